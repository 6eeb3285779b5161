// Everything the tasks use cases share.
import type { CacheBus, Logger } from '@elwosa/runtime';
import type { RetentionSettings } from '../config.js';
import type { TasksDb } from '../store/db.js';
import type { SqlClient } from '../store/sql-client.js';
import type { OutboxAcks } from './outbox-acks.js';

export interface TasksContext {
  db: TasksDb;
  /** The hot-path statements (one task, the list) outside transactions: the pool under `db`. */
  sql: SqlClient;
  cache: CacheBus;
  logger: Logger;
  now: () => Date;
  retention: RetentionSettings;
  /** Where published changes are acknowledged, so their outbox records go. */
  outbox: Pick<OutboxAcks, 'acknowledge'>;
  /** Called with the number of tasks whose events were deferred (the cache was unavailable). */
  onEventsDeferred?: (tasks: number) => void;
}
