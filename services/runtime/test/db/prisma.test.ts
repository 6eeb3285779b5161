// The Prisma client factory round-trips the fixture model on the migrated schema, against the
// real and the embedded PostgreSQL, with several clients at once as all-in-one mode runs them.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../../../../test-support/db.js';
import { runMigrations } from '../../src/db/migrations/runner.js';
import { createPrismaClient, type PrismaHandle } from '../../src/db/prisma.js';
import { PrismaClient } from '../fixtures/generated/prisma/client.js';
import { backendKinds, createDatabase } from './backends.js';

export const fixtureMigrations = path.resolve(import.meta.dirname, '../fixtures/prisma/migrations');

describe.each(backendKinds())('createPrismaClient (%s PostgreSQL)', (kind) => {
  let db: TestDatabase;
  const handles: PrismaHandle<PrismaClient>[] = [];
  const client = (): PrismaClient => handles[0]!.client;

  beforeAll(async () => {
    db = await createDatabase(kind);
    await runMigrations({ connectionString: db.url, schema: 'fixture', migrationsDir: fixtureMigrations });
    for (let i = 0; i < 3; i++) {
      handles.push(
        createPrismaClient(PrismaClient, {
          databaseUrl: db.url,
          schema: 'fixture',
          poolSize: 3,
          connectionTimeoutMillis: 3000,
        }),
      );
    }
  });
  afterAll(async () => {
    for (const h of handles) await h.disconnect();
    await db?.drop();
  });

  it('round-trips the model', async () => {
    const created = await client().widget.create({ data: { name: 'round-trip', tags: ['a', 'b'] } });
    expect(created).toMatchObject({ name: 'round-trip', count: 0, tags: ['a', 'b'] });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await client().widget.findUniqueOrThrow({ where: { name: 'round-trip' } })).toEqual(created);
    const updated = await client().widget.update({
      where: { id: created.id },
      data: { count: { increment: 2 }, tags: { push: 'c' } },
    });
    expect(updated).toMatchObject({ count: 2, tags: ['a', 'b', 'c'] });
    await client().widget.delete({ where: { id: created.id } });
    expect(await client().widget.findUnique({ where: { id: created.id } })).toBeNull();
  });

  it('writes into the service schema, where the raw SQL sees it', async () => {
    await client().widget.create({ data: { name: 'in-schema' } });
    const rows = await db.pool.query(`SELECT name FROM "fixture"."widgets" WHERE name = 'in-schema'`);
    expect(rows.rows).toEqual([{ name: 'in-schema' }]);
  });

  it('keeps concurrent requests and interactive transactions of several clients correct', async () => {
    await client().widget.create({ data: { name: 'counter' } });
    const ops = Array.from({ length: 60 }, (_, i) => {
      const c = handles[i % handles.length]!.client;
      if (i % 3 === 0) {
        return c.$transaction(async (tx) => {
          const row = await tx.widget.findUniqueOrThrow({ where: { name: 'counter' } });
          await tx.widget.update({ where: { id: row.id }, data: { count: { increment: 1 } } });
        });
      }
      if (i % 3 === 1)
        return c.widget.update({ where: { name: 'counter' }, data: { count: { increment: 1 } } });
      return c.widget.findMany({ where: { name: { startsWith: 'count' } } });
    });
    await Promise.all(ops);
    expect((await client().widget.findUniqueOrThrow({ where: { name: 'counter' } })).count).toBe(40);
  });

  it('rolls back a failed interactive transaction', async () => {
    await expect(
      client().$transaction(async (tx) => {
        await tx.widget.create({ data: { name: 'rolled-back' } });
        await tx.widget.create({ data: { name: 'rolled-back' } }); // unique violation
      }),
    ).rejects.toMatchObject({ code: 'P2002' });
    expect(await client().widget.findUnique({ where: { name: 'rolled-back' } })).toBeNull();
  });

  it('bounds the pool it creates, or shares the one embedded connection', () => {
    const pool = handles[0]!.pool;
    if (kind === 'embedded') {
      expect(handles.every((h) => h.pool === db.pool)).toBe(true);
      expect(pool.options.max).toBe(1);
    } else {
      expect(new Set(handles.map((h) => h.pool)).size).toBe(3);
      expect(pool.options.max).toBe(3);
      expect(pool.options.connectionTimeoutMillis).toBe(3000);
    }
  });
});
