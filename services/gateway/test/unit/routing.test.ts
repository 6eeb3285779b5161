import { describe, expect, it } from 'vitest';
import { normalizePath, splitTarget } from '../../src/routing/normalize-path.js';
import { compilePublicRoutes, expressPathToRegExp } from '../../src/routing/public-routes.js';
import { matchRoute } from '../../src/routing/route-table.js';
import { testRouteSpecs } from '../support/route-specs.js';

const norm = (p: string) => {
  const r = normalizePath(p);
  return r.ok ? r.path : `REJECT: ${r.reason}`;
};

describe('normalizePath', () => {
  it.each([
    ['/', '/'],
    ['/api/tasks', '/api/tasks'],
    ['/api/tasks/', '/api/tasks'],
    ['/api//tasks', '/api/tasks'],
    ['//api///tasks//', '/api/tasks'],
    ['/api/./tasks', '/api/tasks'],
    ['/api/auth/../tasks', '/api/tasks'],
    ['/api/auth/%2e%2e/internal/x', '/api/internal/x'],
    ['/api/auth/%2E%2E/%2e%2e/metrics', '/metrics'],
    ['/%61pi/tasks', '/api/tasks'],
    ['/api/tasks/a%20b', '/api/tasks/a%20b'],
    ['/api/tasks/a%c3%a9', '/api/tasks/a%C3%A9'],
  ])('%s → %s', (input, expected) => {
    expect(norm(input)).toBe(expected);
  });

  it.each([
    ['/api/auth/..%2finternal', 'percent-encoding'],
    ['/api/auth%2F..%2Finternal', 'percent-encoding'],
    ['/api/auth/%5c..%5cinternal', 'percent-encoding'],
    ['/api/tasks/%00', 'percent-encoding'],
    ['/api/tasks/%zz', 'percent-encoding'],
    ['/api/tasks/%2', 'percent-encoding'],
    ['/api\\tasks', 'forbidden character'],
    ['/api/tasks\u0000', 'forbidden character'],
    ['/..', 'leaves the root'],
    ['/api/../../metrics', 'leaves the root'],
    ['api/tasks', 'must start with /'],
    ['http://evil/api/tasks', 'must start with /'],
  ])('rejects %j', (input, reason) => {
    expect(norm(input)).toContain(reason);
  });

  it('splits the query off the target', () => {
    expect(splitTarget('/a/b?x=1&y=?')).toEqual({ path: '/a/b', query: '?x=1&y=?' });
    expect(splitTarget('/a')).toEqual({ path: '/a', query: '' });
  });
});

describe('matchRoute', () => {
  const target = (p: string) => {
    const m = matchRoute(p);
    return m.kind === 'upstream' ? m.route.target : m.kind === 'gateway' ? `gateway:${m.name}` : m.kind;
  };

  it.each([
    ['/api/auth', 'auth'],
    ['/api/auth/login', 'auth'],
    ['/.well-known/jwks.json', 'auth'],
    ['/api/chat/conversations', 'chat'],
    ['/api/tasks/1/steps', 'tasks'],
    ['/API/Tasks/1', 'tasks'],
    ['/api/ai/models', 'ai-bridge'],
    ['/v1/chat/completions', 'ai-bridge'],
    ['/api/notifications', 'notifications'],
    ['/api/memory/search', 'memory'],
    ['/api/analytics/usage', 'analytics'],
    ['/ws', 'gateway:ws'],
    ['/api/openapi.json', 'gateway:openapi'],
  ])('%s → %s', (path, expected) => {
    expect(target(path)).toBe(expected);
  });

  it.each([
    '/metrics',
    '/healthz',
    '/readyz',
    '/internal/sessions/1',
    '/api',
    '/api/authx',
    '/api/tasksfoo/1',
    '/v2/models',
    '/.well-known/jwks.json/x',
  ])('does not route %s', (path) => {
    expect(target(path)).toBe('none');
  });

  it.each(['/api/auth/internal/sessions/1', '/API/AUTH/Internal', '/v1/internal/x'])('blocks %s', (path) => {
    expect(target(path)).toBe('blocked');
  });

  it('marks the JWKS as always public', () => {
    const m = matchRoute('/.well-known/jwks.json');
    expect(m.kind === 'upstream' && m.route.alwaysPublic).toBe(true);
    const login = matchRoute('/api/auth/login');
    expect(login.kind === 'upstream' && login.route.alwaysPublic).toBeFalsy();
  });
});

describe('public routes', () => {
  const isPublic = compilePublicRoutes(testRouteSpecs);

  it('passes exactly the public operations (method and path)', () => {
    expect(isPublic('POST', '/api/auth/login')).toBe(true);
    expect(isPublic('POST', '/API/AUTH/LOGIN')).toBe(true);
    expect(isPublic('GET', '/api/auth/login')).toBe(false);
    expect(isPublic('POST', '/api/auth/login/x')).toBe(false);
    expect(isPublic('POST', '/api/auth/loginx')).toBe(false);
    expect(isPublic('GET', '/api/auth/me')).toBe(false);
    expect(isPublic('GET', '/api/tasks')).toBe(false);
    expect(isPublic('GET', '/api/auth/unknown')).toBe(false);
  });

  it('treats HEAD like GET', () => {
    const matcher = compilePublicRoutes([{ ...testRouteSpecs[0]!, method: 'get', path: '/api/auth/open' }]);
    expect(matcher('HEAD', '/api/auth/open')).toBe(true);
    expect(matcher('POST', '/api/auth/open')).toBe(false);
  });

  it('compiles express parameters and wildcards, escaping the rest', () => {
    expect(expressPathToRegExp('/a/:id/b').test('/a/42/b')).toBe(true);
    expect(expressPathToRegExp('/a/:id/b').test('/a/42/43/b')).toBe(false);
    expect(expressPathToRegExp('/a/*rest').test('/a/x/y')).toBe(true);
    expect(expressPathToRegExp('/a.json').test('/aXjson')).toBe(false);
  });
});
