// The service's background work, started with it and stopped in the lifecycle's close phase:
// the two stream consumers, the due-soon schedule and (when SMTP_URL is set) the outbox worker.
import { type Periodic, type StreamConsumer, startSingletonSchedule } from '@elwosa/runtime';
import type { NotificationsContext } from './domain/context.js';
import { createSmtpMailer } from './email/mailer.js';
import { startOutboxWorker } from './email/outbox-worker.js';
import type { UserDirectory } from './email/user-directory.js';
import { remindDueTasks } from './triggers/due-soon.js';
import { consumeSecurityEvents } from './triggers/security-events.js';
import { consumeTaskEvents } from './triggers/task-events.js';

export const DUE_SCAN_LOCK = 'notifications:due-scan';

export interface BackgroundWork {
  /** Wakes the outbox worker (no-op when email is disabled). */
  emailQueued(): void;
  stop(): Promise<void>;
}

export async function startBackgroundWork(
  ctx: NotificationsContext,
  options: { instanceId: string; directory: UserDirectory },
): Promise<BackgroundWork> {
  const { logger, settings } = ctx;
  const consumers: StreamConsumer[] = [];
  const loops: Periodic[] = [];
  const stopAll = async () => {
    await Promise.allSettled([...consumers, ...loops].map((w) => w.stop()));
  };
  try {
    consumers.push(await consumeTaskEvents(ctx, options.instanceId));
    consumers.push(await consumeSecurityEvents(ctx, options.instanceId));
  } catch (err) {
    await stopAll();
    throw err;
  }
  loops.push(
    startSingletonSchedule({
      name: DUE_SCAN_LOCK,
      cache: ctx.cache,
      intervalMs: settings.scanIntervalMs,
      owner: options.instanceId,
      logger,
      now: ctx.now,
      run: async (now, { slot }) => {
        const sent = await remindDueTasks(ctx, now);
        if (sent > 0) logger.info({ slot, sent }, 'due-soon reminders created');
      },
      onSlot: (outcome) => ctx.metrics.dueScans.inc({ outcome }),
    }),
  );

  let outbox: Periodic | undefined;
  const mailer = settings.smtp.url
    ? createSmtpMailer({ url: settings.smtp.url, from: settings.smtp.from })
    : undefined;
  if (mailer) {
    outbox = startOutboxWorker({
      db: ctx.db,
      mailer,
      directory: options.directory,
      settings: settings.outbox,
      logger,
      metrics: ctx.metrics,
      workerId: options.instanceId,
      now: ctx.now,
    });
    loops.push(outbox);
  } else {
    logger.warn('email channel disabled: SMTP_URL is not set; email outbox rows stay pending until it is');
  }
  return {
    emailQueued: () => outbox?.wake(),
    async stop() {
      await stopAll();
      mailer?.close();
    },
  };
}
