// The agent's tools and which of them a user may use: a tool is offered to the model only when
// the user holds its permission, and a call to any other name is refused without running.
import { hasPermission } from '@elwosa/runtime';
import { recall, remember } from './memory-tools.js';
import { completeStep, createTask, listTasks, updateTask } from './task-tools.js';
import type { ToolDefinition } from './tool.js';

export const ALL_TOOLS: readonly ToolDefinition[] = [
  createTask,
  updateTask,
  listTasks,
  completeStep,
  remember,
  recall,
] as readonly ToolDefinition[];

export function toolsFor(permissions: ReadonlySet<string>): ToolDefinition[] {
  return ALL_TOOLS.filter((t) => hasPermission(permissions, t.permission));
}
