// Secrets never reach a log line: every value whose key names a credential (a password, token,
// secret, API key, one-time code, authorization or cookie header) is replaced by `[redacted]`, at
// any depth up to MAX_DEPTH, in plain objects and arrays. Error instances are left to pino's error
// serializer (their `code` is an error code, not a credential).
//
// Replaces pino's path-based `redact` option: its wildcard paths (`*.password`) cost about 20 µs
// per log line (measured: 26 µs vs 5 µs without, pino 10) — more than the rest of a request's
// logging — while this walk costs well under a microsecond for the flat objects of access lines.
// An object without secrets is returned as is; one with secrets is copied, never mutated.

export const REDACTED = '[redacted]';

/** Key names whose values are credentials wherever they appear (matched ignoring case). */
export const SENSITIVE_KEY_NAMES = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'currentPassword',
  'newPassword',
  'token',
  'accessToken',
  'refreshToken',
  'challengeToken',
  'secret',
  'totpSecret',
  'apiKey',
  'code',
  'backupCodes',
] as const;

const SENSITIVE_KEYS: ReadonlySet<string> = new Set(SENSITIVE_KEY_NAMES.map((name) => name.toLowerCase()));

const MAX_DEPTH = 6;

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function redactValue(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i] as unknown;
      const redacted = redactValue(item, depth + 1);
      if (redacted !== item) {
        copy ??= value.slice();
        copy[i] = redacted;
      }
    }
    return copy ?? value;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = value[key];
    const redacted =
      item !== undefined && SENSITIVE_KEYS.has(key.toLowerCase()) ? REDACTED : redactValue(item, depth + 1);
    if (redacted !== item) {
      copy ??= { ...value };
      copy[key] = redacted;
    }
  }
  return copy ?? value;
}

/** `obj` with every credential replaced by `[redacted]`; `obj` itself when it holds none. */
export function redactSecrets<T extends object>(obj: T): T {
  return redactValue(obj, 0) as T;
}
