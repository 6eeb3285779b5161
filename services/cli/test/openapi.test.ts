// The gateway serves one OpenAPI 3.1 document built from every service's route specs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { allRouteSpecs } from '../src/service-registry.js';

describe('GET /api/openapi.json', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ kind: 'embedded', targets: ['auth', 'gateway'] });
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('documents every route of every service, with request schemas from the validating zod schemas', async () => {
    const res = await fetch(`${platform.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<
        string,
        Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>
      >;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const spec of allRouteSpecs) {
      const path = spec.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[path]?.[spec.method], `${spec.method} ${path}`).toBeDefined();
    }
    const register = doc.paths['/api/auth/register']!.post!.requestBody!.content['application/json']!.schema;
    expect(register.required).toEqual(expect.arrayContaining(['email', 'password', 'name']));
  });
});
