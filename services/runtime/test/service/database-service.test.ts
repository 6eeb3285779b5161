// createDatabaseService: a schema-owning service's host and database in one step — migrations
// applied at start, readiness covering the database, and an unreachable database or a deadlock
// victim answered 503 before the service's own error mappers see the error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { haveRealPg } from '../../../../test-support/backends.js';
import { createAnyTestDatabase, createTestDatabase, type TestDatabase } from '../../../../test-support/db.js';
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

/** A service whose own catch-all mapper would turn any error into a 400 if it ran first. */
function serviceWithCatchAllMapper(deps: PlatformDeps) {
  const catchAll: ErrorMapper = () => problems.badRequest('the service mapper saw the error');
  return createDatabaseService({ target: 'tasks', deps, errorMappers: [catchAll], database });
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
    const { host, db: handle } = await serviceWithCatchAllMapper(deps);
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

  // A deadlock needs two sessions: PGlite has one.
  it.runIf(haveRealPg())(
    'answers a deadlock victim with 503 and Retry-After; the other request succeeds',
    async () => {
      const db = await createTestDatabase();
      cleanups.push(() => db.drop());
      const { host, db: handle } = await serviceWithCatchAllMapper(await depsFor(db.url, true));
      const client = handle.client;
      const [a, b] = await Promise.all(
        ['a', 'b'].map((name) => client.widget.create({ data: { id: crypto.randomUUID(), name } })),
      );
      // Both transactions hold their first row before either asks for its second: one must lose.
      let arrived = 0;
      let bothHoldOne!: () => void;
      const barrier = new Promise<void>((resolve) => {
        bothHoldOne = resolve;
      });
      host.router.post('/swap/:first/:second', async (req, res) => {
        await client.$transaction(async (tx) => {
          await tx.$executeRaw`UPDATE "fixture"."widgets" SET count = count + 1 WHERE id = ${req.params.first}::uuid`;
          if (++arrived === 2) bothHoldOne();
          await barrier;
          await tx.$executeRaw`UPDATE "fixture"."widgets" SET count = count + 1 WHERE id = ${req.params.second}::uuid`;
        });
        res.json({ ok: true });
      });
      const { port } = await host.start();
      const swap = (x: string, y: string) =>
        fetch(`http://127.0.0.1:${port}/swap/${x}/${y}`, { method: 'POST' });
      const answers = await Promise.all([swap(a!.id, b!.id), swap(b!.id, a!.id)]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 503]);
      const lost = answers.find((r) => r.status === 503)!;
      expect(lost.headers.get('retry-after')).toBe('1');
      expect(await lost.json()).toMatchObject({
        status: 503,
        detail: expect.stringContaining('changed nothing'),
      });
      // The victim's first update was rolled back: each row counts the one transaction that won.
      const counts = await client.widget.findMany({ select: { count: true } });
      expect(counts.map((c) => c.count)).toEqual([1, 1]);
    },
  );
});
