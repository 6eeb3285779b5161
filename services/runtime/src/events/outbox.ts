// The grace period of the services' event outboxes (tasks' change records, auth's security
// events): a record written with its change is left to the request that wrote it, whose publish
// takes milliseconds, for this long; a record still there after it belongs to a process that
// died (or whose removal failed), and the service's repair job publishes it. Long enough for
// replicas whose clocks differ by seconds.
export const OUTBOX_GRACE_MS = 30_000;

/** When a record written at `recordedAt` becomes due for the repair job. */
export const outboxDueAt = (recordedAt: Date): Date => new Date(recordedAt.getTime() + OUTBOX_GRACE_MS);
