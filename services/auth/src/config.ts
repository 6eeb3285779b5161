// Settings only the auth service reads (the platform-wide ones are in @elwosa/runtime).
import { env } from '@elwosa/runtime';
import { z } from 'zod';
import type { LockoutPolicy } from './domain/brute-force.js';

export const authEnvSchema = z.object({
  ELWOSA_SESSION_MAX_AGE: env.positiveInt().default(30 * 86_400),
  ELWOSA_ARGON2_CONCURRENCY: env.positiveInt().max(64).default(4),
  /** Failed sign-ins per (email, IP) before a temporary lock. */
  ELWOSA_LOGIN_MAX_FAILURES: env.positiveInt().max(1000).default(5),
  /** Failed sign-ins per IP (any email) before a temporary lock. */
  ELWOSA_LOGIN_MAX_FAILURES_PER_IP: env.positiveInt().max(100_000).default(30),
  /** Failure counting window and lock duration for sign-in, in seconds. */
  ELWOSA_LOGIN_LOCK_SECONDS: env.positiveInt().max(86_400).default(900),
  /** Wrong MFA codes before a temporary lock, and its duration in seconds. */
  ELWOSA_MFA_MAX_FAILURES: env.positiveInt().max(100).default(5),
  ELWOSA_MFA_LOCK_SECONDS: env.positiveInt().max(86_400).default(300),
  /** A used refresh token presented again within this many ms rotates once more instead of revoking. */
  ELWOSA_REFRESH_REUSE_GRACE_MS: z.coerce.number().int().min(0).max(60_000).default(10_000),
  /** How often security events whose publish failed (or never happened) are looked for and published. */
  ELWOSA_AUTH_EVENT_RELAY_INTERVAL_MS: env.positiveInt().min(50).max(3_600_000).default(5000),
});
export type AuthEnv = z.output<typeof authEnvSchema>;

export interface LockoutPolicies {
  accountIp: LockoutPolicy;
  ip: LockoutPolicy;
  mfa: LockoutPolicy;
}

export function lockoutPolicies(e: AuthEnv): LockoutPolicies {
  const login = e.ELWOSA_LOGIN_LOCK_SECONDS * 1000;
  const mfa = e.ELWOSA_MFA_LOCK_SECONDS * 1000;
  return {
    accountIp: { maxFailures: e.ELWOSA_LOGIN_MAX_FAILURES, windowMs: login, lockMs: login },
    ip: { maxFailures: e.ELWOSA_LOGIN_MAX_FAILURES_PER_IP, windowMs: login, lockMs: login },
    mfa: { maxFailures: e.ELWOSA_MFA_MAX_FAILURES, windowMs: mfa, lockMs: mfa },
  };
}
