// Binds the memory API (api.ts) to the use cases. Every handler acts as the signed-in user.
import type { RouteBinder } from '@elwosa/runtime';
import type { Router } from 'express';
import { memoryRoutes as r } from '../api.js';
import type { MemoryContext } from '../domain/context.js';
import {
  createMemory,
  deleteMemory,
  getMemory,
  listMemories,
  memoryStatus,
  searchMemories,
  updateMemory,
} from '../domain/memories.js';

export function bindMemoryRoutes(router: Router, binder: RouteBinder, ctx: MemoryContext): void {
  binder.bind(router, r.create, async ({ identity, body }) => ({
    status: 201,
    body: await createMemory(ctx, identity.userId, body),
  }));
  binder.bind(router, r.list, async ({ identity, query }) => ({
    body: await listMemories(ctx, identity.userId, query),
  }));
  binder.bind(router, r.get, async ({ identity, params }) => ({
    body: await getMemory(ctx, identity.userId, params.id),
  }));
  binder.bind(router, r.update, async ({ identity, params, body }) => ({
    body: await updateMemory(ctx, identity.userId, params.id, body),
  }));
  binder.bind(router, r.delete, async ({ identity, params }) => {
    await deleteMemory(ctx, identity.userId, params.id);
    return { status: 204 };
  });
  binder.bind(router, r.search, async ({ identity, body }) => ({
    body: await searchMemories(ctx, identity.userId, body),
  }));
  binder.bind(router, r.status, async ({ identity }) => ({ body: await memoryStatus(ctx, identity.userId) }));
}
