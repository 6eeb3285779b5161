// @elwosa/tasks: tasks with steps, search, optimistic concurrency and a changes feed.
export { type TaskDto, taskRouteSpecs, taskRoutes } from './api.js';
export { TASK_EVENTS_FAMILY } from './domain/events.js';
export { startTasks, TASKS_SCHEMA, tasksMigrationsDir } from './service.js';
