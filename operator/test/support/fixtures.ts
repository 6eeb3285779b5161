// Deterministic inputs for rendering in tests.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RenderOptions } from '../../src/render.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const repoPath = (...parts: string[]) => path.join(REPO_ROOT, ...parts);
export const readRepoFile = (...parts: string[]) => readFileSync(repoPath(...parts), 'utf8');

export const FIXED_SECRETS = {
  postgresPassword: 'test-postgres-password',
  redisPassword: 'test-redis-password',
  jwtPrivateKeyPem:
    '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIFixedTestKeyFixedTestKeyFixedTestKey00\n-----END PRIVATE KEY-----\n',
};

export const FIXTURE_DASHBOARDS = [{ name: 'example', json: '{"uid":"example","title":"Example"}' }];

export const RENDER_ALL: RenderOptions = {
  capabilities: { monitoring: true, cloudNativePG: true },
  dashboards: FIXTURE_DASHBOARDS,
  secrets: FIXED_SECRETS,
};

export const EXAMPLES = ['kind', 'gpu', 'external-db'] as const;
