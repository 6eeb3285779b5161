// Route specs like the services declare them: a few public auth operations, the rest protected.
import type { RouteSpec } from '@elwosa/runtime';
import { z } from 'zod';

const spec = (method: RouteSpec['method'], path: string, auth: RouteSpec['auth']): RouteSpec => ({
  operationId: `${method}${path.replace(/[^A-Za-z0-9]+/g, '_')}`,
  method,
  path,
  summary: `${method} ${path}`,
  tags: ['test'],
  auth,
  responses: { 200: { description: 'ok', schema: z.object({ ok: z.boolean() }) } },
});

export const testRouteSpecs: RouteSpec[] = [
  spec('post', '/api/auth/register', 'public'),
  spec('post', '/api/auth/login', 'public'),
  spec('post', '/api/auth/refresh', 'public'),
  spec('get', '/api/auth/me', 'authenticated'),
  spec('get', '/api/tasks', 'authenticated'),
  spec('get', '/api/tasks/:id', 'authenticated'),
  spec('put', '/api/tasks/:id', 'authenticated'),
  spec('post', '/api/tasks', { permission: 'tasks:write' }),
];
