// Everything the tasks use cases share.
import type { CacheBus, Logger } from '@elwosa/runtime';
import type { RetentionSettings } from '../config.js';
import type { TasksDb } from '../store/db.js';

export interface TasksContext {
  db: TasksDb;
  cache: CacheBus;
  logger: Logger;
  now: () => Date;
  retention: RetentionSettings;
  /** Called with the number of tasks whose events were deferred (the cache was unavailable). */
  onEventsDeferred?: (tasks: number) => void;
}
