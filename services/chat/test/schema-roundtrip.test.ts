// Every chat model round-trips through Prisma against the migrated schema (real PostgreSQL
// when reachable, embedded PGlite always), so the Prisma schema and the SQL migrations cannot
// drift; the constraints only the SQL has (roles, statuses, cascades) hold.
import { describe, expect, it } from 'vitest';
import { databaseKinds, useMigratedClient } from '../../../test-support/migrated-client.ts';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { chatDatabase } from '../src/service.js';

describe.each(databaseKinds())('chat schema round trip (%s)', (kind) => {
  let db: PrismaClient;

  useMigratedClient(kind, chatDatabase, (client) => {
    db = client;
  });

  it('writes and reads back every model with every field', async () => {
    const now = new Date('2026-01-02T03:04:05.678Z');
    const conversation = await db.conversation.create({
      data: {
        ownerId: crypto.randomUUID(),
        title: 'Round trip',
        titleSource: 'user',
        createdAt: now,
        updatedAt: now,
      },
    });
    expect(await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toEqual(conversation);
    const question = await db.message.create({
      data: { conversationId: conversation.id, role: 'user', content: 'question', createdAt: now },
    });
    const answer = await db.message.create({
      data: {
        conversationId: conversation.id,
        parentId: question.id,
        role: 'assistant',
        content: 'partial',
        toolCalls: [{ id: 'call_1', name: 'create_task', arguments: '{"title":"x"}' }],
        status: 'error',
        finishReason: 'error',
        error: 'the model crashed',
        model: 'llama3.2',
        usage: { promptTokens: 10, completionTokens: 2 },
      },
    });
    expect(await db.message.findUniqueOrThrow({ where: { id: answer.id } })).toEqual(answer);
    const tool = await db.message.create({
      data: {
        conversationId: conversation.id,
        parentId: answer.id,
        role: 'tool',
        content: '{"ok":true}',
        toolCallId: 'call_1',
        toolName: 'create_task',
        status: 'complete',
        finishReason: 'ok',
      },
    });
    expect(await db.message.findUniqueOrThrow({ where: { id: tool.id } })).toEqual(tool);
    const updated = await db.conversation.update({
      where: { id: conversation.id },
      data: { activeLeafId: tool.id },
    });
    expect(await db.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toEqual(updated);
  });

  it('refuses unknown roles and statuses, and deletes a conversation with its messages', async () => {
    const conversation = await db.conversation.create({ data: { ownerId: crypto.randomUUID(), title: 't' } });
    await expect(
      db.message.create({ data: { conversationId: conversation.id, role: 'system' } }),
    ).rejects.toThrow();
    await expect(
      db.message.create({ data: { conversationId: conversation.id, role: 'user', status: 'weird' } }),
    ).rejects.toThrow();
    await expect(
      db.conversation.create({ data: { ownerId: crypto.randomUUID(), title: 't', titleSource: 'x' } }),
    ).rejects.toThrow();
    const root = await db.message.create({ data: { conversationId: conversation.id, role: 'user' } });
    await db.message.create({
      data: { conversationId: conversation.id, role: 'assistant', parentId: root.id },
    });
    await db.conversation.delete({ where: { id: conversation.id } });
    expect(await db.message.count({ where: { conversationId: conversation.id } })).toBe(0);
  });
});
