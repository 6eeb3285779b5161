// Gathers what the agent knows besides the conversation: pinned memories, memories recalled
// for the question, and the user's open tasks — each through the owning service as the user,
// each optional: a service that is down or a permission the user lacks leaves its part empty.
import { hasPermission } from '@elwosa/runtime';
import type { Logger } from 'pino';
import { type MemoryView, pinnedMemories, recallMemories } from '../tools/memory-fields.js';
import { OPEN_STATUSES, type TaskView } from '../tools/task-fields.js';
import type { ToolContext } from '../tools/tool.js';

export interface AgentKnowledge {
  pinned: MemoryView[];
  recalled: MemoryView[];
  openTasks: TaskView[];
}

export async function gatherKnowledge(
  question: string,
  permissions: ReadonlySet<string>,
  calls: ToolContext,
  limits: { maxPinned: number; maxRecalled: number; maxTasks: number },
  logger: Logger,
): Promise<AgentKnowledge> {
  const optional = async <T>(what: string, permission: string, load: () => Promise<T[]>): Promise<T[]> => {
    if (!hasPermission(permissions, permission)) return [];
    try {
      return await load();
    } catch (err) {
      logger.warn(
        { err: err instanceof Error ? err.message : String(err), what },
        'context source unavailable',
      );
      return [];
    }
  };
  const [pinned, recalled, openTasks] = await Promise.all([
    optional('pinned memories', 'memory:read', () => pinnedMemories(calls.memory, limits.maxPinned)),
    optional('recall', 'memory:read', async () =>
      (await recallMemories(calls.memory, question, limits.maxRecalled)).map((r) => r.memory),
    ),
    optional('open tasks', 'tasks:read', async () => {
      const params = new URLSearchParams({
        status: OPEN_STATUSES.join(','),
        limit: String(limits.maxTasks),
        sort: 'dueAt',
      });
      return (await calls.tasks<{ items: TaskView[] }>('GET', `/api/tasks?${params}`)).items;
    }),
  ]);
  return { pinned, recalled, openTasks };
}
