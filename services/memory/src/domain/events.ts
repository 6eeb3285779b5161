// Live updates for the user's /ws connections. The change is committed before it is
// announced; a failing cache does not turn a successful write into an error (the client
// resyncs through the list).
import { publishUserEvent } from '@elwosa/runtime';
import type { MemoryContext } from './context.js';

export type MemoryEventType = 'memory.created' | 'memory.updated' | 'memory.deleted';

export async function announce(
  ctx: MemoryContext,
  userId: string,
  type: MemoryEventType,
  data: unknown,
): Promise<void> {
  try {
    await publishUserEvent(ctx.cache, userId, type, data);
  } catch (err) {
    ctx.logger.warn({ err, type }, 'live memory event not published');
  }
}
