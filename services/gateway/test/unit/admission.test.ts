import { type Identity, problems } from '@elwosa/runtime';
import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/identity/admission.js';
import type { RateLimitStep } from '../../src/ratelimit/rate-limit-step.js';

const alice: Identity = {
  userId: 'u-alice',
  sessionId: 's-1',
  roles: ['user'],
  permissions: [],
} as unknown as Identity;

function setup(opts: { live?: boolean; limited?: boolean; token?: 'valid' | 'invalid' } = {}) {
  const log: string[] = [];
  let pendingSession: (() => void) | undefined;
  const rateLimit: RateLimitStep = async (userId, ip) => {
    log.push(`limit ${userId ? `user:${userId}` : `ip:${ip}`}`);
    return opts.limited
      ? { headers: { RateLimit: 'r=0' }, problem: problems.tooManyRequests(1) }
      : { headers: { RateLimit: 'r=9' } };
  };
  const admit = createAdmission({
    tokenVerifier: async (authorization) => {
      log.push(`token ${authorization}`);
      if (opts.token === 'invalid') throw problems.unauthorized('invalid token');
      return alice;
    },
    sessionCheck: (claims) => {
      log.push(`session ${claims.sid}`);
      return new Promise((resolve) => {
        pendingSession = () => resolve(opts.live ?? true);
      });
    },
    apiKeyVerifier: async () => {
      log.push('api key');
      return alice;
    },
    rateLimit,
  });
  return { admit, log, releaseSession: () => pendingSession?.() };
}

describe('admission', () => {
  it('asks the session check and the rate limit together, once the token names the user', async () => {
    const { admit, log, releaseSession } = setup();
    const pending = admit({ authorization: 'Bearer t', credential: 'token', ip: '192.0.2.1' });
    await new Promise((r) => setImmediate(r));
    // Both are in flight before either has answered.
    expect(log).toEqual(['token Bearer t', 'session s-1', 'limit user:u-alice']);
    releaseSession();
    const admission = await pending;
    expect(admission.identity).toBe(alice);
    expect(admission.problem).toBeUndefined();
    expect(admission.headers).toEqual({ RateLimit: 'r=9' });
  });

  it('refuses a revoked session with 401, counted against the user', async () => {
    const { admit, log, releaseSession } = setup({ live: false });
    const pending = admit({ authorization: 'Bearer t', credential: 'token', ip: '192.0.2.1' });
    await new Promise((r) => setImmediate(r));
    releaseSession();
    const admission = await pending;
    expect(admission.identity).toBeUndefined();
    expect(admission.problem?.status).toBe(401);
    expect(log).toContain('limit user:u-alice');
  });

  it('counts a request with a bad token against the address, without a session check', async () => {
    const { admit, log } = setup({ token: 'invalid' });
    const admission = await admit({ authorization: 'Bearer bad', credential: 'token', ip: '192.0.2.1' });
    expect(admission.problem?.status).toBe(401);
    expect(log).toEqual(['token Bearer bad', 'limit ip:192.0.2.1']);
  });

  it('lets the rate limit win over an authentication failure', async () => {
    const { admit } = setup({ token: 'invalid', limited: true });
    const admission = await admit({ authorization: 'Bearer bad', credential: 'token', ip: '192.0.2.1' });
    expect(admission.problem?.status).toBe(429);
    expect(admission.headers).toEqual({ RateLimit: 'r=0' });
  });

  it('counts anonymous requests against the address and API-key requests against the key owner', async () => {
    const anonymous = setup();
    expect(
      (await anonymous.admit({ authorization: undefined, credential: 'none', ip: '192.0.2.7' })).identity,
    ).toBe(undefined);
    expect(anonymous.log).toEqual(['limit ip:192.0.2.7']);
    const keyed = setup();
    const admission = await keyed.admit({
      authorization: 'Bearer elw_x',
      credential: 'api-key',
      ip: '192.0.2.7',
    });
    expect(admission.identity).toBe(alice);
    expect(keyed.log).toEqual(['api key', 'limit user:u-alice']);
  });
});
