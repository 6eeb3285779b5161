// createDatabaseService: a schema-owning service's host and database in one step — migrations
// applied at start, readiness covering the database, and an unreachable database answered 503
// before the service's own error mappers see the error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAnyTestDatabase, type TestDatabase } from '../../../../test-support/db.js';
import { freePort } from '../../../../test-support/ports.js';
import { MemoryCacheBus, MemoryStore } from '../../src/cache/index.js';
import { platformEnvSchema, toPlatformConfig } from '../../src/config/platform-config.js';
import { type ErrorMapper, problems } from '../../src/http/problem.js';
import { Lifecycle } from '../../src/lifecycle/lifecycle.js';
import { createLogger } from '../../src/observability/logger.js';
import { createDatabaseService } from '../../src/service/database-service.js';
import type { PlatformDeps } from '../../src/service/platform-deps.js';
import { PrismaClient } from '../fixtures/generated/prisma/client.js';

const migrationsDir = path.resolve(import.meta.dirname, '../fixtures/prisma/migrations');
const database = { schema: 'fixture', migrationsDir, Client: PrismaClient };
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function depsFor(databaseUrl: string, migrateOnStart: boolean): Promise<PlatformDeps> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-db-service-'));
  const config = toPlatformConfig(platformEnvSchema.parse({ ELWOSA_DATA_DIR: dataDir }));
  config.ports.tasks = 0;
  const logger = createLogger({ level: 'silent' });
  const lifecycle = new Lifecycle(logger, 2000);
  const cache = new MemoryCacheBus({ store: new MemoryStore() });
  cleanups.push(async () => {
    await lifecycle.shutdown('test done');
    await cache.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  return { config, env: {}, logger, lifecycle, cache, databaseUrl, migrateOnStart };
}

describe('createDatabaseService', () => {
  it('applies the migrations at start, serves from its schema and is ready', async () => {
    const db: TestDatabase = await createAnyTestDatabase();
    cleanups.push(() => db.drop());
    const deps = await depsFor(db.url, true);
    const { host, db: handle } = await createDatabaseService({ target: 'tasks', deps, database });
    host.router.get('/widgets', async (_req, res) => {
      res.json({ count: await handle.client.widget.count() });
    });
    const { port } = await host.start();
    const res = await fetch(`http://127.0.0.1:${port}/widgets`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 0 });
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
  });

  it('answers 503 when the database cannot be reached, before the service mappers run', async () => {
    const closedPort = await freePort();
    const deps = await depsFor(`postgres://postgres@127.0.0.1:${closedPort}/nowhere`, false);
    // A catch-all mapper that would turn the error into a 400 if it ran first.
    const catchAll: ErrorMapper = () => problems.badRequest('the service mapper saw the error');
    const { host, db: handle } = await createDatabaseService({
      target: 'tasks',
      deps,
      errorMappers: [catchAll],
      database,
    });
    host.router.get('/widgets', async (_req, res) => {
      res.json({ count: await handle.client.widget.count() });
    });
    const { port } = await host.start();
    const res = await fetch(`http://127.0.0.1:${port}/widgets`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ status: 503, detail: 'database unavailable' });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
  });
});
