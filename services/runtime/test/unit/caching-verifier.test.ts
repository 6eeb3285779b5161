import { HttpProblem } from '@elwosa/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenKit, type TokenKit } from '../../../../test-support/tokens.ts';
import { createCachedTokenVerifier, withLiveSession } from '../../src/identity/caching-verifier.js';

let kit: TokenKit;
beforeAll(async () => {
  kit = await createTokenKit();
});

function setup(options: { live?: () => boolean; maxAgeMs?: number; maxEntries?: number } = {}) {
  let clock = Date.now();
  let keyLookups = 0;
  let sessionChecks = 0;
  const tokenVerifier = createCachedTokenVerifier({
    keys: async (header, token) => {
      keyLookups++;
      return kit.keys(header, token);
    },
    issuer: 'elwosa',
    audience: 'elwosa',
    maxAgeMs: options.maxAgeMs ?? 60_000,
    maxEntries: options.maxEntries ?? 100,
    now: () => clock,
  });
  // Composed as the service host composes it.
  const verifier = withLiveSession(tokenVerifier, async () => {
    sessionChecks++;
    return options.live?.() ?? true;
  });
  return {
    verifier,
    advance: (ms: number) => {
      clock += ms;
    },
    counts: () => ({ keyLookups, sessionChecks }),
  };
}

const status = (err: unknown) => (err instanceof HttpProblem ? err.status : err);

describe('caching verifier', () => {
  it('verifies a token once, but checks the session on every call', async () => {
    const { verifier, counts } = setup();
    const token = await kit.sign({ sub: 'u1', sid: 's1', roles: ['user'] });
    for (let i = 0; i < 3; i++) expect((await verifier(`Bearer ${token}`)).userId).toBe('u1');
    expect(counts()).toEqual({ keyLookups: 1, sessionChecks: 3 });
  });

  it('a revoked session is refused at once, cached token or not', async () => {
    let live = true;
    const { verifier } = setup({ live: () => live });
    const token = await kit.sign();
    await verifier(`Bearer ${token}`);
    live = false;
    expect(status(await verifier(`Bearer ${token}`).catch((e: unknown) => e))).toBe(401);
  });

  it('re-verifies after maxAgeMs and never serves a token past its exp', async () => {
    const { verifier, advance, counts } = setup({ maxAgeMs: 1000 });
    const token = await kit.sign({ expiresIn: 30 });
    await verifier(`Bearer ${token}`);
    advance(1500);
    await verifier(`Bearer ${token}`);
    expect(counts().keyLookups).toBe(2);
    // A long maxAgeMs never outlives the token: past exp it is verified again (and jose refuses it).
    const long = setup({ maxAgeMs: 600_000 });
    await long.verifier(`Bearer ${token}`);
    long.advance(20_000);
    await long.verifier(`Bearer ${token}`);
    expect(long.counts().keyLookups).toBe(1);
    long.advance(11_000);
    await long.verifier(`Bearer ${token}`);
    expect(long.counts().keyLookups).toBe(2);
  });

  it('caches only successes, and at most maxEntries tokens', async () => {
    const { verifier, counts } = setup({ maxEntries: 2 });
    const bad = `${(await kit.sign()).slice(0, -4)}AAAA`;
    for (let i = 0; i < 2; i++)
      expect(status(await verifier(`Bearer ${bad}`).catch((e: unknown) => e))).toBe(401);
    expect(counts().keyLookups).toBe(2);
    const tokens = await Promise.all([kit.sign(), kit.sign(), kit.sign()]);
    for (const t of tokens) await verifier(`Bearer ${t}`);
    await verifier(`Bearer ${tokens[0]}`);
    expect(counts().keyLookups).toBe(2 + 3 + 1);
  });

  it('keeps the verifier contract for missing and malformed tokens', async () => {
    const { verifier } = setup();
    expect(status(await verifier(undefined).catch((e: unknown) => e))).toBe(401);
    expect(status(await verifier('Bearer abc').catch((e: unknown) => e))).toBe(401);
  });
});
