// Password hashing with argon2id at OWASP parameters (m=19 MiB, t=2, p=1), bounded concurrency,
// a dummy verify for unknown users (equal timing), and rehash when the parameters change.
import { hash, verify } from '@node-rs/argon2';
import { ConcurrencyLimit } from './concurrency-limit.js';

export const ARGON2_PARAMS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
/** Longest accepted password in characters; checked by the request schema before any hashing. */
export const MAX_PASSWORD_LENGTH = 128;
export const MIN_PASSWORD_LENGTH = 10;

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot import). */
const ARGON2ID = 2;
const options = { algorithm: ARGON2ID, ...ARGON2_PARAMS };

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Verifies against `stored`, or against a dummy hash when there is no user (same cost). */
  verify(stored: string | undefined, password: string): Promise<boolean>;
  needsRehash(stored: string): boolean;
}

/** Parses `$argon2id$v=19$m=19456,t=2,p=1$…` and compares with the current parameters. */
export function hashNeedsRehash(stored: string, params: typeof ARGON2_PARAMS = ARGON2_PARAMS): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(stored);
  if (!match) return true;
  return (
    Number(match[1]) !== params.memoryCost ||
    Number(match[2]) !== params.timeCost ||
    Number(match[3]) !== params.parallelism
  );
}

export async function createPasswordHasher(maxConcurrent = 4, maxQueue = 64): Promise<PasswordHasher> {
  const limit = new ConcurrencyLimit(maxConcurrent, maxQueue);
  const dummyHash = await hash(crypto.randomUUID(), options);
  return {
    hash: (password) => limit.run(() => hash(password, options)),
    verify: (stored, password) =>
      limit.run(async () => {
        try {
          const ok = await verify(stored ?? dummyHash, password);
          return stored !== undefined && ok;
        } catch {
          return false;
        }
      }),
    needsRehash: (stored) => hashNeedsRehash(stored),
  };
}
