// Every auth model round-trips through Prisma against the migrated schema (real PostgreSQL
// when reachable, embedded PGlite always), so the Prisma schema and the SQL migrations cannot drift.
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { authDatabase } from '../src/service.js';

describe.each(databaseKinds())('auth schema round trip (%s)', (kind) => {
  let db: PrismaClient;

  useMigratedClient(kind, authDatabase, (client) => {
    db = client;
  });

  it('writes and reads back every model with every field', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const user = await db.user.create({
      data: {
        email: 'round@trip.example',
        name: 'Round Trip',
        passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$x$y',
        roles: ['admin', 'user'],
        disabledAt: now,
        totpSecret: 'SECRET',
        totpPendingSecret: 'PENDING',
        totpEnabledAt: now,
        totpLastStep: 123_456_789n,
        passwordChangedAt: now,
      },
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: user.id } })).toEqual(user);
    const code = await db.backupCode.create({
      data: { userId: user.id, codeHash: 'h'.repeat(64), usedAt: now },
    });
    expect(await db.backupCode.findUniqueOrThrow({ where: { id: code.id } })).toEqual(code);
    const session = await db.session.create({
      data: {
        userId: user.id,
        userAgent: 'ua',
        ip: '10.0.0.1',
        mfa: true,
        expiresAt: now,
        revokedAt: now,
        revokedReason: 'x',
        revocationCachedAt: now,
      },
    });
    expect(await db.session.findUniqueOrThrow({ where: { id: session.id } })).toEqual(session);
    const parent = await db.refreshToken.create({
      data: { sessionId: session.id, tokenHash: 'a'.repeat(64), expiresAt: now },
    });
    const child = await db.refreshToken.create({
      data: {
        sessionId: session.id,
        tokenHash: 'b'.repeat(64),
        parentId: parent.id,
        expiresAt: now,
        usedAt: now,
        revokedAt: now,
      },
    });
    expect(await db.refreshToken.findUniqueOrThrow({ where: { id: child.id } })).toEqual(child);
    const event = await db.auditEvent.create({
      data: {
        event: 'login.succeeded',
        outcome: 'success',
        userId: user.id,
        actorId: user.id,
        email: user.email,
        ip: '10.0.0.1',
        userAgent: 'ua',
        requestId: 'req-12345678',
        details: { nested: { ok: true }, list: [1, 2] },
      },
    });
    expect(await db.auditEvent.findUniqueOrThrow({ where: { id: event.id } })).toEqual(event);
    const outboxed = await db.securityEventOutbox.create({
      data: {
        id: '6f1c1a1e-2b1e-4c55-9d2e-1f6f3b0a7c11',
        type: 'mfa.enabled',
        userId: user.id,
        data: { ip: '10.0.0.1' },
        createdAt: now,
        dueAt: new Date(now.getTime() + 30_000),
      },
    });
    expect(await db.securityEventOutbox.findUniqueOrThrow({ where: { id: outboxed.id } })).toEqual(outboxed);
    const apiKey = await db.apiKey.create({
      data: {
        userId: user.id,
        name: 'ci',
        keyHash: 'c'.repeat(64),
        prefix: 'elw_abcdefgh',
        createdAt: now,
        expiresAt: now,
        lastUsedAt: now,
        revokedAt: now,
        cacheStaleAt: now,
      },
    });
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: apiKey.id } })).toEqual(apiKey);
  });
});
