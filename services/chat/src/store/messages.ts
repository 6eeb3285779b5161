// Messages of a conversation (the caller has already checked that the conversation is the
// user's). A conversation's tree is read whole (bounded) to resolve its branches.

import { MessageTree } from '../domain/branches.js';
import { INTERRUPTED_MESSAGE } from '../domain/interrupted.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ChatDb, Message } from './db.js';

/** Longest conversation the service reads whole; beyond it new turns are refused. */
export const MAX_MESSAGES_PER_CONVERSATION = 5000;

export async function loadTree(db: ChatDb, conversationId: string): Promise<MessageTree<Message>> {
  const rows = await db.message.findMany({
    where: { conversationId },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: MAX_MESSAGES_PER_CONVERSATION,
  });
  return new MessageTree(rows);
}

export type NewMessage = Omit<Prisma.MessageUncheckedCreateInput, 'id' | 'createdAt'>;

export function insertMessage(db: ChatDb, data: NewMessage): Promise<Message> {
  return db.message.create({ data });
}

export function updateMessage(
  db: ChatDb,
  id: string,
  data: Prisma.MessageUncheckedUpdateInput,
): Promise<Message> {
  return db.message.update({ where: { id }, data });
}

/** Stores messages a dead replica left `streaming` as failed (call only while holding the lock). */
export function markInterrupted(db: ChatDb, conversationId: string): Promise<unknown> {
  return db.message.updateMany({
    where: { conversationId, status: 'streaming' },
    data: { status: 'error', finishReason: 'error', error: INTERRUPTED_MESSAGE },
  });
}
