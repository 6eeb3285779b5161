// Audited changes and auth security events: a change, its audit entry and its event commit in one
// transaction (a failure of any writes none); the event is published with its own id and
// original time and removed; a publish that fails leaves the event to the relay at once, a
// process that died before publishing leaves it due after the grace period. Real PostgreSQL when
// reachable, embedded PGlite always.
import {
  type CacheBus,
  CacheUnavailableError,
  createLogger,
  domainStream,
  MemoryCacheBus,
  MemoryStore,
  OUTBOX_GRACE_MS,
  parseDomainEvent,
} from '@elwosa/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { overrideCache } from '../../../test-support/cache-overrides.ts';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import {
  type AuditedChanges,
  type AuditRecord,
  createAuditedChanges,
} from '../src/domain/audited-changes.js';
import { relaySecurityEvents, SECURITY_EVENT_FAMILY } from '../src/domain/security-events.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { authDatabase } from '../src/service.js';
import { outboxWrite } from '../src/store/security-outbox.js';

const client = { ip: '203.0.113.5', userAgent: 'test', requestId: 'req-security-events' };
let userCounter = 0;
const newUser = () => `00000000-0000-4000-a000-${String(++userCounter).padStart(12, '0')}`;

describe.each(databaseKinds())('auth security-event outbox (%s)', (kind) => {
  let db: PrismaClient;
  const inner = new MemoryCacheBus({ store: new MemoryStore() });
  let down = false;
  const unavailable = async () => Promise.reject(new CacheUnavailableError('redis unavailable: test'));
  const cache: CacheBus = overrideCache(inner, () => (down ? { append: unavailable } : {}));
  let deferred = 0;
  const changes = (): AuditedChanges =>
    createAuditedChanges({
      db,
      cache,
      logger: createLogger({ level: 'silent' }),
      onDeferred: () => {
        deferred++;
      },
    });
  const relayAfter = (ms: number) => relaySecurityEvents({ db, cache, now: () => new Date(Date.now() + ms) });
  const published = async (userId: string) =>
    (await inner.readRange(domainStream(SECURITY_EVENT_FAMILY), '0', 10_000))
      .map(parseDomainEvent)
      .filter((e) => e.userId === userId);
  const outbox = (userId: string) => db.securityEventOutbox.findMany({ where: { userId } });
  const audit = (userId: string) => db.auditEvent.findMany({ where: { userId }, orderBy: { id: 'asc' } });
  /** An audited change that changes nothing but its record. */
  const record = (entry: AuditRecord) =>
    changes().commit(
      client,
      async () => undefined,
      () => entry,
    );
  const expectNothingWritten = async (userId: string) => {
    expect(await audit(userId)).toEqual([]);
    expect(await outbox(userId)).toEqual([]);
    expect(await published(userId)).toEqual([]);
  };
  const createUser = (tx: Parameters<Parameters<PrismaClient['$transaction']>[0]>[0], id: string) =>
    tx.user.create({ data: { id, email: `${id}@example.com`, name: 'Audited', passwordHash: 'x' } });

  useMigratedClient(kind, authDatabase, (c) => {
    db = c;
  });
  afterAll(async () => {
    await inner.close();
  });

  it('writes the audit entry, publishes the event with its id and time, and keeps nothing', async () => {
    const userId = newUser();
    await record({
      audit: { event: 'password.changed', outcome: 'success', userId },
      event: { type: 'password.changed', userId, data: { ip: client.ip } },
    });
    expect((await audit(userId)).map((a) => a.event)).toEqual(['password.changed']);
    const [event] = await published(userId);
    expect(event).toMatchObject({
      type: 'password.changed',
      data: { ip: client.ip, eventId: expect.any(String) },
    });
    expect(Date.now() - Date.parse(event!.at)).toBeLessThan(60_000);
    expect(await outbox(userId)).toEqual([]);
    expect(await relayAfter(2 * OUTBOX_GRACE_MS)).toBe(0);
  });

  it('an event whose publish fails is kept and published by the relay, with the same id and time', async () => {
    const userId = newUser();
    down = true;
    const before = deferred;
    await record({
      audit: { event: 'mfa.disabled', outcome: 'success', userId },
      event: { type: 'mfa.disabled', userId, data: { ip: client.ip } },
    });
    expect(deferred).toBe(before + 1);
    expect((await audit(userId)).map((a) => a.event)).toEqual(['mfa.disabled']);
    const [kept] = await outbox(userId);
    expect(kept).toBeDefined();
    // Due at once, but Redis is still down: the relay fails and keeps it.
    await expect(relayAfter(0)).rejects.toThrow(CacheUnavailableError);
    expect(await outbox(userId)).toHaveLength(1);

    down = false;
    expect(await relayAfter(0)).toBe(1);
    const [event] = await published(userId);
    expect(event).toMatchObject({ type: 'mfa.disabled', data: { ip: client.ip, eventId: kept!.id } });
    expect(event!.at).toBe(kept!.createdAt.toISOString());
    expect(await outbox(userId)).toEqual([]);
  });

  it('an event left by a process that died before publishing is relayed after the grace period, in order', async () => {
    const userId = newUser();
    const t0 = Date.now();
    // Written, never published: what a process that dies right after the commit leaves.
    await db.$transaction(
      ['login.new', 'password.changed'].map((type, i) =>
        outboxWrite(db, { id: crypto.randomUUID(), type, userId, data: {}, createdAt: new Date(t0 + i) }),
      ),
    );
    expect(await relayAfter(OUTBOX_GRACE_MS - 1000)).toBe(0);
    expect(await relayAfter(OUTBOX_GRACE_MS + 1000)).toBe(2);
    expect((await published(userId)).map((e) => e.type)).toEqual(['login.new', 'password.changed']);
    expect(await outbox(userId)).toEqual([]);
  });

  it('a change that fails writes neither its audit entry nor its event', async () => {
    const userId = newUser();
    await expect(
      changes().commit(
        client,
        (tx) => tx.user.update({ where: { id: userId }, data: { name: 'nobody' } }),
        () => ({
          audit: { event: 'mfa.enabled', outcome: 'success', userId },
          event: { type: 'mfa.enabled', userId },
        }),
      ),
    ).rejects.toThrow();
    await expectNothingWritten(userId);
  });

  it('a change whose audit entry cannot be written is rolled back, and nothing is published', async () => {
    const userId = newUser();
    await expect(
      changes().commit(
        client,
        (tx) => createUser(tx, userId),
        // Not a UUID: PostgreSQL refuses the audit insert inside the transaction.
        () => ({
          audit: { event: 'user.registered', outcome: 'success', userId, actorId: 'not-a-uuid' },
          event: { type: 'login.new', userId },
        }),
      ),
    ).rejects.toThrow();
    expect(await db.user.findUnique({ where: { id: userId } })).toBeNull();
    await expectNothingWritten(userId);
  });

  it('a change refused by its record (describe throws) writes nothing', async () => {
    const userId = newUser();
    await expect(
      changes().commit(
        client,
        (tx) => createUser(tx, userId),
        () => {
          throw new Error('refused');
        },
      ),
    ).rejects.toThrow('refused');
    expect(await db.user.findUnique({ where: { id: userId } })).toBeNull();
    await expectNothingWritten(userId);
  });

  it('commits, runs afterCommit, and publishes the event even when afterCommit fails', async () => {
    const userId = newUser();
    await expect(
      changes().commit(
        client,
        (tx) => createUser(tx, userId),
        () => ({
          audit: { event: 'password.changed', outcome: 'success', userId },
          event: { type: 'password.changed', userId },
        }),
        {
          afterCommit: async () => {
            throw new CacheUnavailableError('redis unavailable: test');
          },
        },
      ),
    ).rejects.toThrow(CacheUnavailableError);
    expect(await db.user.findUnique({ where: { id: userId } })).not.toBeNull();
    expect((await audit(userId)).map((a) => a.event)).toEqual(['password.changed']);
    expect((await published(userId)).map((e) => e.type)).toEqual(['password.changed']);
    expect(await outbox(userId)).toEqual([]);
  });

  it('an audit record without an event writes the entry and nothing to the outbox', async () => {
    const userId = newUser();
    const created = await changes().commit(
      client,
      (tx) => createUser(tx, userId),
      (user) => ({ audit: { event: 'user.registered', outcome: 'success', userId: user.id } }),
    );
    expect(created.id).toBe(userId);
    expect((await audit(userId)).map((a) => a.event)).toEqual(['user.registered']);
    expect(await outbox(userId)).toEqual([]);
    expect(await published(userId)).toEqual([]);
  });
});
