// The memory API's shapes the agent uses (services/memory api.ts), and the calls it makes:
// remember, semantic recall, pinned memories. Shared by the tools and the context builder.
import { z } from 'zod';
import type { UserServiceCall } from './tool.js';

export const MEMORY_KINDS = ['fact', 'preference', 'note', 'context'] as const;

export const memoryTag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(50)
  .regex(/^[^\s,]+$/, 'no spaces or commas');

export interface MemoryView {
  id: string;
  kind: string;
  content: string;
  tags: string[];
  pinned: boolean;
}

export const memorySummary = (m: MemoryView) => ({
  id: m.id,
  kind: m.kind,
  content: m.content,
  tags: m.tags,
});

export async function recallMemories(
  memory: UserServiceCall,
  query: string,
  k: number,
): Promise<Array<{ score: number; memory: MemoryView }>> {
  const result = await memory<{ items: Array<{ score: number; memory: MemoryView }> }>(
    'POST',
    '/api/memory/search',
    { query: query.slice(0, 1000), k },
  );
  return result.items;
}

export async function pinnedMemories(memory: UserServiceCall, limit: number): Promise<MemoryView[]> {
  const page = await memory<{ items: MemoryView[] }>(
    'GET',
    `/api/memory/memories?pinned=true&limit=${limit}`,
  );
  return page.items;
}
