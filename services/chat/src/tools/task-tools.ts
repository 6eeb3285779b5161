// Tools on the user's tasks, executed through the tasks API with the user's token: the tasks
// service checks ownership and permissions itself, so a tool can never reach further than the
// user could with the same request.
import { z } from 'zod';
import {
  instant,
  OPEN_STATUSES,
  stepTitles,
  type TaskView,
  taskDescription,
  taskPriority,
  taskStatus,
  taskSummary,
  taskTags,
  taskTitle,
} from './task-fields.js';
import { defineTool } from './tool.js';

const taskId = z.uuid().describe('The id of the task');

export const createTask = defineTool({
  name: 'create_task',
  description: 'Create a task for the user, optionally with a due date, priority, tags and steps.',
  permission: 'tasks:write',
  parameters: z
    .object({
      title: taskTitle.describe('Short title of the task'),
      description: taskDescription.optional(),
      priority: taskPriority.optional(),
      dueAt: instant.optional().describe('Due date and time, ISO 8601 with offset'),
      tags: taskTags.optional(),
      steps: stepTitles.optional().describe('Checklist steps, in order'),
    })
    .strict(),
  async run(args, ctx) {
    const { steps, ...fields } = args;
    const task = await ctx.tasks<TaskView>('POST', '/api/tasks', {
      ...fields,
      ...(steps ? { steps: steps.map((title) => ({ title })) } : {}),
    });
    return { created: taskSummary(task) };
  },
});

export const updateTask = defineTool({
  name: 'update_task',
  description: "Change a task's title, description, status, priority, due date or tags.",
  permission: 'tasks:write',
  parameters: z
    .object({
      taskId,
      title: taskTitle.optional(),
      description: taskDescription.optional(),
      status: taskStatus.optional(),
      priority: taskPriority.optional(),
      dueAt: instant.nullable().optional().describe('null removes the due date'),
      tags: taskTags.optional(),
    })
    .strict()
    .refine((a) => Object.keys(a).length > 1, 'name at least one field to change'),
  async run({ taskId: id, ...changes }, ctx) {
    const task = await ctx.tasks<TaskView>('PATCH', `/api/tasks/${id}`, changes);
    return { updated: taskSummary(task) };
  },
});

export const listTasks = defineTool({
  name: 'list_tasks',
  description: "List the user's tasks, by default the open ones, optionally filtered by status or text.",
  permission: 'tasks:read',
  parameters: z
    .object({
      status: z.array(taskStatus).min(1).max(5).optional().describe('Default: todo, in_progress, blocked'),
      query: z.string().trim().min(1).max(200).optional().describe('Full-text search'),
      limit: z.number().int().min(1).max(20).default(10),
    })
    .strict(),
  async run(args, ctx) {
    const params = new URLSearchParams({
      status: (args.status ?? OPEN_STATUSES).join(','),
      limit: String(args.limit),
    });
    if (args.query) params.set('q', args.query);
    const page = await ctx.tasks<{ items: TaskView[] }>('GET', `/api/tasks?${params}`);
    return { tasks: page.items.map(taskSummary) };
  },
});

export const completeStep = defineTool({
  name: 'complete_step',
  description: 'Mark one step of a task as done.',
  permission: 'tasks:write',
  parameters: z.object({ taskId, stepId: z.uuid().describe('The id of the step') }).strict(),
  async run(args, ctx) {
    const task = await ctx.tasks<TaskView>('PATCH', `/api/tasks/${args.taskId}/steps/${args.stepId}`, {
      done: true,
    });
    return { updated: taskSummary(task) };
  },
});
