// Tools on the user's long-term memory, executed through the memory API with the user's token.
import { z } from 'zod';
import { MEMORY_KINDS, type MemoryView, memorySummary, memoryTag, recallMemories } from './memory-fields.js';
import { defineTool } from './tool.js';

export const remember = defineTool({
  name: 'remember',
  description:
    'Store a fact, preference, note or context about the user for later conversations. Pinned memories are always in context.',
  permission: 'memory:write',
  parameters: z
    .object({
      content: z
        .string()
        .trim()
        .min(1)
        .max(2000)
        .describe('What to remember, as one self-contained sentence'),
      kind: z.enum(MEMORY_KINDS).default('fact'),
      tags: z.array(memoryTag).max(10).optional(),
      pinned: z.boolean().default(false),
    })
    .strict(),
  async run(args, ctx) {
    const memory = await ctx.memory<MemoryView>('POST', '/api/memory/memories', { ...args, source: 'chat' });
    return { remembered: memorySummary(memory) };
  },
});

export const recall = defineTool({
  name: 'recall',
  description: "Search the user's long-term memory by meaning.",
  permission: 'memory:read',
  parameters: z
    .object({
      query: z.string().trim().min(1).max(500),
      limit: z.number().int().min(1).max(10).default(5),
    })
    .strict(),
  async run(args, ctx) {
    const items = await recallMemories(ctx.memory, args.query, args.limit);
    return {
      memories: items.map((i) => ({ score: Math.round(i.score * 100) / 100, ...memorySummary(i.memory) })),
    };
  },
});
