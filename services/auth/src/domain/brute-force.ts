// Temporary lockouts after repeated failures, per (email, IP) and per IP (catches rotating
// usernames). Counters live in the shared cache, so every replica sees the same state.
import { createHash } from 'node:crypto';
import type { CacheBus } from '@elwosa/runtime';

export interface LockoutPolicy {
  /** Failures within `windowMs` that trigger a lock. */
  maxFailures: number;
  windowMs: number;
  lockMs: number;
}

const digest = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

export class Lockouts {
  constructor(private readonly cache: CacheBus) {}

  /** Milliseconds until the subject may try again, or 0 when it is not locked. */
  async lockedFor(subject: string): Promise<number> {
    const until = await this.cache.get(`auth:lock:${digest(subject)}`);
    if (until === null) return 0;
    return Math.max(0, Number(until) - Date.now());
  }

  /** Counts a failure; returns the lock duration when this failure triggered a lock. */
  async recordFailure(subject: string, policy: LockoutPolicy): Promise<number> {
    const key = digest(subject);
    const failures = await this.cache.incr(`auth:fail:${key}`, 1, { ttlMs: policy.windowMs });
    if (failures < policy.maxFailures) return 0;
    await this.cache.set(`auth:lock:${key}`, String(Date.now() + policy.lockMs), { ttlMs: policy.lockMs });
    await this.cache.del(`auth:fail:${key}`);
    return policy.lockMs;
  }

  async reset(subject: string): Promise<void> {
    await this.cache.del(`auth:fail:${digest(subject)}`);
  }
}

export const accountIpSubject = (email: string, ip: string) => `login:${email}|${ip}`;
export const ipSubject = (ip: string) => `login-ip:${ip}`;
export const mfaSubject = (userId: string) => `mfa:${userId}`;
