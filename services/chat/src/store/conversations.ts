// Conversations of one owner: every query filters by the owner, so another user's
// conversation is simply not found (404).
import { problems } from '@elwosa/runtime';
import { z } from 'zod';
import type { ChatDb, Conversation } from './db.js';

export async function findOwned(db: ChatDb, ownerId: string, id: string): Promise<Conversation> {
  const c = await db.conversation.findFirst({ where: { id, ownerId } });
  if (!c) throw problems.notFound('no such conversation');
  return c;
}

/** Keyset position: the last row's updatedAt and id (newest first). */
const cursorSchema = z.object({ u: z.iso.datetime(), i: z.uuid() }).strict();

export const encodeCursor = (c: Conversation): string =>
  Buffer.from(JSON.stringify({ u: c.updatedAt.toISOString(), i: c.id })).toString('base64url');

export function decodeCursor(cursor: string): { updatedAt: Date; id: string } {
  try {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw new Error('not base64url');
    const p = cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { updatedAt: new Date(p.u), id: p.i };
  } catch {
    throw problems.badRequest('invalid cursor');
  }
}

/** `LIKE` wildcards in a search text are matched literally. */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listOwned(
  db: ChatDb,
  ownerId: string,
  query: { limit: number; cursor?: string | undefined; q?: string | undefined },
): Promise<{ items: Conversation[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  const q = query.q ? escapeLike(query.q) : undefined;
  const rows = await db.conversation.findMany({
    where: {
      ownerId,
      ...(after
        ? {
            OR: [
              { updatedAt: { lt: after.updatedAt } },
              { updatedAt: after.updatedAt, id: { lt: after.id } },
            ],
          }
        : {}),
      ...(q
        ? {
            AND: [
              {
                OR: [
                  { title: { contains: q, mode: 'insensitive' } },
                  {
                    messages: {
                      some: {
                        role: { in: ['user', 'assistant'] },
                        content: { contains: q, mode: 'insensitive' },
                      },
                    },
                  },
                ],
              },
            ],
          }
        : {}),
    },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const items = rows.slice(0, query.limit);
  return { items, nextCursor: rows.length > query.limit ? encodeCursor(items.at(-1)!) : null };
}
