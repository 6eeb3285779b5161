import { describe, expect, it } from 'vitest';
import { isSpoofableHeader, trustedIdentityHeaders } from '../../src/identity/identity-headers.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from '../../src/proxy/headers.js';
import { classifyUndiciError, UpstreamError, upstreamProblem } from '../../src/proxy/upstream-errors.js';

const ctx = {
  clientIp: '203.0.113.7',
  protocol: 'https',
  host: 'api.example.com',
  requestId: 'req-12345678',
  extra: { 'x-elwosa-user-id': 'trusted', traceparent: '00-abc-def-01' },
};

describe('upstream request headers', () => {
  it('drops hop-by-hop headers, including those named by Connection', () => {
    const out = upstreamRequestHeaders(
      {
        connection: 'keep-alive, x-secret-hop',
        'keep-alive': 'timeout=5',
        'x-secret-hop': '1',
        'transfer-encoding': 'chunked',
        upgrade: 'h2c',
        expect: '100-continue',
        te: 'trailers',
        'proxy-authorization': 'Basic x',
        host: 'api.example.com',
        accept: 'application/json',
        authorization: 'Bearer t',
      },
      ctx,
    );
    for (const name of [
      'connection',
      'keep-alive',
      'x-secret-hop',
      'transfer-encoding',
      'upgrade',
      'te',
      'proxy-authorization',
      'host',
    ]) {
      expect(out).not.toHaveProperty(name);
    }
    expect(out.accept).toBe('application/json');
    expect(out.authorization).toBe('Bearer t');
  });

  it('replaces client identity and forwarding headers with the trusted ones', () => {
    const out = upstreamRequestHeaders(
      {
        'x-user-id': 'admin',
        'x-user-roles': 'admin',
        'x-elwosa-user-id': 'admin',
        'x-elwosa-roles': 'admin',
        'x-forwarded-user': 'admin',
        'x-forwarded-for': '1.2.3.4',
        'x-real-ip': '1.2.3.4',
        forwarded: 'for=1.2.3.4',
        'x-original-url': '/internal/x',
        'x-http-method-override': 'DELETE',
        'x-request-id': 'client-chosen',
      },
      ctx,
    );
    expect(out).toMatchObject({
      'x-elwosa-user-id': 'trusted',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      'x-forwarded-host': 'api.example.com',
      'x-request-id': 'req-12345678',
      traceparent: '00-abc-def-01',
    });
    for (const name of [
      'x-user-id',
      'x-user-roles',
      'x-elwosa-roles',
      'x-forwarded-user',
      'x-real-ip',
      'forwarded',
      'x-original-url',
      'x-http-method-override',
    ]) {
      expect(out).not.toHaveProperty(name);
    }
  });

  it('knows the spoofable names', () => {
    for (const name of [
      'x-user-id',
      'x-user-roles',
      'x-elwosa-anything',
      'x-forwarded-user',
      'x-auth-request-user',
      'remote-user',
    ]) {
      expect(isSpoofableHeader(name)).toBe(true);
    }
    for (const name of [
      'authorization',
      'content-type',
      'accept',
      'if-match',
      'user-agent',
      'x-elwosa-conversation-id',
      'x-elwosa-cache',
    ]) {
      expect(isSpoofableHeader(name)).toBe(false);
    }
    for (const name of ['x-elwosa-user-id', 'x-elwosa-session-id', 'x-elwosa-roles']) {
      expect(isSpoofableHeader(name)).toBe(true);
    }
  });

  it('builds the trusted identity headers', () => {
    expect(
      trustedIdentityHeaders({
        userId: 'u1',
        sessionId: 's1',
        roles: ['user', 'admin'],
        permissions: new Set(),
      }),
    ).toEqual({ 'x-elwosa-user-id': 'u1', 'x-elwosa-session-id': 's1', 'x-elwosa-roles': 'user,admin' });
  });
});

describe('downstream response headers', () => {
  it('drops hop-by-hop and upstream CORS headers, keeps cookies and the rest', () => {
    const out = downstreamResponseHeaders({
      connection: 'close',
      'keep-alive': 'timeout=5',
      'transfer-encoding': 'chunked',
      'access-control-allow-origin': '*',
      'set-cookie': ['a=1', 'b=2'],
      etag: '"v1"',
    });
    expect(out).toEqual({ 'set-cookie': ['a=1', 'b=2'], etag: '"v1"' });
  });
});

describe('upstream failures', () => {
  const err = (code: string) => Object.assign(new Error(code), { code });

  it('classifies connect errors (retryable) apart from timeouts, aborts and resets', () => {
    expect(classifyUndiciError(err('ECONNREFUSED'))).toBe('connect');
    expect(classifyUndiciError(err('EHOSTUNREACH'))).toBe('connect');
    expect(classifyUndiciError(err('UND_ERR_CONNECT_TIMEOUT'))).toBe('connect');
    expect(classifyUndiciError(Object.assign(new Error('wrapped'), { cause: err('ECONNREFUSED') }))).toBe(
      'connect',
    );
    expect(classifyUndiciError(err('UND_ERR_HEADERS_TIMEOUT'))).toBe('timeout');
    expect(classifyUndiciError(err('UND_ERR_BODY_TIMEOUT'))).toBe('timeout');
    expect(classifyUndiciError(err('UND_ERR_ABORTED'))).toBe('aborted');
    expect(classifyUndiciError(err('UND_ERR_SOCKET'))).toBe('reset');
    expect(classifyUndiciError(err('ECONNRESET'))).toBe('reset');
    expect(classifyUndiciError('weird')).toBe('reset');
  });

  it('maps failures to problems', () => {
    expect(upstreamProblem(new UpstreamError('timeout', 'x')).status).toBe(504);
    expect(upstreamProblem(new UpstreamError('connect', 'x')).status).toBe(502);
    expect(upstreamProblem(new UpstreamError('reset', 'x')).status).toBe(502);
  });
});
