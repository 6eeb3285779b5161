import { describe, expect, it } from 'vitest';
import { ConcurrencyLimit, QueueFullError } from '../src/crypto/concurrency-limit.js';
import { hashNeedsRehash } from '../src/crypto/passwords.js';
import {
  acceptedTotpStep,
  hashBackupCode,
  newBackupCodes,
  newTotpSecret,
  totpCode,
} from '../src/crypto/totp.js';
import { decideRefresh } from '../src/domain/refresh-decision.js';

const now = new Date('2026-06-01T12:00:00Z');
const later = new Date(now.getTime() + 3600_000);
const live = { revokedAt: null, expiresAt: later, userDisabled: false };
const fresh = { usedAt: null, revokedAt: null, expiresAt: later };

describe('refresh decisions', () => {
  it('rotates a fresh token', () => {
    expect(decideRefresh(fresh, live, now)).toEqual({ action: 'rotate' });
  });
  it('rotates once more within the grace period, revokes the family after it', () => {
    expect(
      decideRefresh({ ...fresh, usedAt: new Date(now.getTime() - 5000) }, live, now, 10_000).action,
    ).toBe('rotate-within-grace');
    expect(decideRefresh({ ...fresh, usedAt: new Date(now.getTime() - 11_000) }, live, now, 10_000)).toEqual({
      action: 'revoke-family',
      reason: 'reuse',
    });
  });
  it('rejects expired and revoked tokens and ended sessions', () => {
    expect(decideRefresh({ ...fresh, expiresAt: now }, live, now)).toMatchObject({
      action: 'reject',
      reason: 'expired',
    });
    expect(decideRefresh({ ...fresh, revokedAt: now }, live, now)).toMatchObject({
      action: 'reject',
      reason: 'revoked',
    });
    expect(decideRefresh(fresh, { ...live, expiresAt: now }, now)).toMatchObject({ reason: 'session-ended' });
    expect(decideRefresh(fresh, { ...live, revokedAt: now }, now)).toMatchObject({ reason: 'session-ended' });
    expect(decideRefresh(fresh, { ...live, userDisabled: true }, now)).toMatchObject({
      reason: 'session-ended',
    });
  });
});

describe('password hashes', () => {
  it('asks for a rehash when the parameters differ', () => {
    expect(hashNeedsRehash('$argon2id$v=19$m=19456,t=2,p=1$salt$hash')).toBe(false);
    expect(hashNeedsRehash('$argon2id$v=19$m=4096,t=3,p=1$salt$hash')).toBe(true);
    expect(hashNeedsRehash('$2b$10$bcrypthash')).toBe(true);
  });
});

describe('TOTP', () => {
  it('accepts the current and adjacent steps only', () => {
    const secret = newTotpSecret();
    const t = Date.UTC(2026, 0, 1, 0, 0, 15);
    const step = Math.floor(t / 30_000);
    expect(acceptedTotpStep(secret, totpCode(secret, t), t)).toBe(step);
    expect(acceptedTotpStep(secret, totpCode(secret, t - 30_000), t)).toBe(step - 1);
    expect(acceptedTotpStep(secret, totpCode(secret, t - 60_000), t)).toBeUndefined();
    expect(acceptedTotpStep(secret, 'abcdef', t)).toBeUndefined();
  });
  it('makes ten distinct backup codes, hashed case-insensitively', () => {
    const codes = newBackupCodes();
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
    expect(hashBackupCode(codes[0]!.toUpperCase())).toBe(hashBackupCode(codes[0]!));
  });
});

describe('concurrency limit', () => {
  it('runs at most N at once and fails fast when the queue is full', async () => {
    const limit = new ConcurrencyLimit(2, 1);
    let peak = 0;
    const gate: Array<() => void> = [];
    const task = () =>
      limit.run(async () => {
        peak = Math.max(peak, limit.inFlight);
        await new Promise<void>((r) => gate.push(r));
      });
    const running = Promise.all([task(), task(), task()]);
    await new Promise((r) => setTimeout(r, 5));
    expect(gate).toHaveLength(2);
    await expect(task()).rejects.toBeInstanceOf(QueueFullError);
    let released = 0;
    while (released < 3) {
      const open = gate.shift();
      if (open) {
        open();
        released++;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await running;
    expect(peak).toBe(2);
  });
});
