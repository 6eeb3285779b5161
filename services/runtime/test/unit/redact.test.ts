import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { REDACTED, redactSecrets } from '../../src/observability/redact.js';

describe('redactSecrets', () => {
  it('returns an object without credentials unchanged, without copying it', () => {
    const entry = { reqId: 'r-1', method: 'GET', route: '/api/tasks/*', status: 200, ms: 1.5 };
    expect(redactSecrets(entry)).toBe(entry);
  });

  it('censors credentials at the top level and nested, whatever the case of the key', () => {
    const input = {
      password: 'hunter2',
      req: { headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'x-api-key': 'elw_k' } },
      body: { currentPassword: 'a', newPassword: 'b', code: '123456', backupCodes: ['x', 'y'] },
      tokens: [{ accessToken: 'at', refreshToken: 'rt', challengeToken: 'ct' }],
      deep: { a: { b: { c: { totpSecret: 'JBSW', apiKey: 'k', secret: 's', token: 't' } } } },
      res: { headers: { 'set-cookie': ['a=b'] } },
      keep: 'visible',
    };
    const out = redactSecrets(input);
    const text = JSON.stringify(out);
    for (const secret of [
      'hunter2',
      'Bearer abc',
      'sid=1',
      'elw_k',
      '123456',
      'JBSW',
      '"at"',
      '"rt"',
      'a=b',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(out.req.headers.Authorization).toBe(REDACTED);
    expect(out.body.backupCodes).toBe(REDACTED);
    expect(out.tokens[0]?.accessToken).toBe(REDACTED);
    expect(out.deep.a.b.c.token).toBe(REDACTED);
    expect(out.keep).toBe('visible');
  });

  it('never mutates the logged object', () => {
    const body = { password: 'hunter2', name: 'Ada' };
    const input = { body };
    redactSecrets(input);
    expect(body.password).toBe('hunter2');
    expect(input.body).toBe(body);
  });

  it('leaves Error instances to the error serializer and survives cycles', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const cyclic: Record<string, unknown> = { name: 'x' };
    cyclic.self = cyclic;
    const input = { err, cyclic };
    expect(redactSecrets(input)).toBe(input);
  });
});

describe('the logger', () => {
  it('writes no credential, in the line or in child bindings', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    logger.child({ token: 'child-token' }).info({ body: { password: 'hunter2' } }, 'login');
    const all = lines.join('');
    expect(all).toContain('"msg":"login"');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('child-token');
    expect(all).toContain(REDACTED);
  });
});
