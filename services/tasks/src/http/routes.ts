// Binds the tasks API (api.ts) to the use cases. Fixed paths (changes, tags, bulk) are bound
// before `/api/tasks/:id` so that they are never taken for an id.
import type { RouteBinder } from '@elwosa/runtime';
import type { Request, Router } from 'express';
import type { TaskDto } from '../api.js';
import { taskRoutes } from '../api.js';
import { completeTasks, deleteTasks } from '../domain/bulk.js';
import { etagOf, parseIfMatch } from '../domain/concurrency.js';
import type { TasksContext } from '../domain/context.js';
import { parseIdempotencyKey } from '../domain/idempotency.js';
import { applyPatch } from '../domain/patch.js';
import { changesSince, listPage, tagsOf } from '../domain/queries.js';
import { addStep, editStep, removeStep, reorderSteps, toggleStep } from '../domain/steps.js';
import { changeTask, createTask, deleteTask, getTask } from '../domain/tasks.js';
import { newStepId } from '../store/task-store.js';

const ifMatchOf = (req: Request) => parseIfMatch(req.get('if-match'));
const withEtag = (task: TaskDto, status = 200, headers: Record<string, string> = {}) => ({
  status,
  body: task,
  headers: { ...headers, ETag: etagOf(task.version) },
});

export function bindTaskRoutes(router: Router, binder: RouteBinder, ctx: TasksContext): void {
  const r = taskRoutes;
  binder.bind(router, r.list, async ({ identity, query }) => ({
    body: await listPage(ctx, identity.userId, query),
  }));
  binder.bind(router, r.create, async ({ identity, body, req }) => {
    const key = parseIdempotencyKey(req.get('idempotency-key'));
    const { task, replayed } = await createTask(ctx, identity.userId, body, key);
    return withEtag(task, 201, {
      Location: `/api/tasks/${task.id}`,
      ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}),
    });
  });
  binder.bind(router, r.changes, async ({ identity, query }) => ({
    body: await changesSince(ctx, identity.userId, query),
  }));
  binder.bind(router, r.tags, async ({ identity }) => ({
    body: { items: await tagsOf(ctx, identity.userId) },
  }));
  binder.bind(router, r.bulkComplete, async ({ identity, body }) => ({
    body: { items: await completeTasks(ctx, identity.userId, body.ids) },
  }));
  binder.bind(router, r.bulkDelete, async ({ identity, body }) => ({
    body: { deleted: await deleteTasks(ctx, identity.userId, body.ids) },
  }));

  binder.bind(router, r.get, async ({ identity, params }) =>
    withEtag(await getTask(ctx, identity.userId, params.id)),
  );
  binder.bind(router, r.update, async ({ identity, params, body, req }) =>
    withEtag(
      await changeTask(ctx, identity.userId, params.id, ifMatchOf(req), (s, now) => applyPatch(s, body, now)),
    ),
  );
  binder.bind(router, r.delete, async ({ identity, params, req }) => {
    await deleteTask(ctx, identity.userId, params.id, ifMatchOf(req));
    return { status: 204 };
  });

  binder.bind(router, r.addStep, async ({ identity, params, body, req }) => {
    const step = { id: newStepId(), title: body.title, done: body.done ?? false };
    const task = await changeTask(ctx, identity.userId, params.id, ifMatchOf(req), (s) => ({
      ...s,
      steps: addStep(s.steps, step, body.position),
    }));
    return withEtag(task, 201);
  });
  binder.bind(router, r.reorderSteps, async ({ identity, params, body, req }) =>
    withEtag(
      await changeTask(ctx, identity.userId, params.id, ifMatchOf(req), (s) => ({
        ...s,
        steps: reorderSteps(s.steps, body.stepIds),
      })),
    ),
  );
  binder.bind(router, r.editStep, async ({ identity, params, body, req }) =>
    withEtag(
      await changeTask(ctx, identity.userId, params.id, ifMatchOf(req), (s) => ({
        ...s,
        steps: editStep(s.steps, params.stepId, body),
      })),
    ),
  );
  binder.bind(router, r.toggleStep, async ({ identity, params, req }) =>
    withEtag(
      await changeTask(ctx, identity.userId, params.id, ifMatchOf(req), (s) => ({
        ...s,
        steps: toggleStep(s.steps, params.stepId),
      })),
    ),
  );
  binder.bind(router, r.deleteStep, async ({ identity, params, req }) =>
    withEtag(
      await changeTask(ctx, identity.userId, params.id, ifMatchOf(req), (s) => ({
        ...s,
        steps: removeStep(s.steps, params.stepId),
      })),
    ),
  );
}
