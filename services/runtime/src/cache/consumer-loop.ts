// The at-least-once consumer loop, shared by both adapters. An adapter supplies a GroupReader
// (how to read, claim and acknowledge in its backend); the loop supplies the guarantees:
// acknowledge only after the handler succeeded, take over entries left pending (failed handler,
// crashed consumer) once idle for claimIdleMs, keep going through backend outages with backoff,
// and stop promptly.
import type { Logger } from 'pino';
import type { ConsumeOptions, StreamConsumer, StreamEntry, StreamHandler } from './cache-bus.js';
import { assertPositiveInt } from './validation.js';

export interface GroupReader {
  /** Creates the group if it does not exist yet. */
  ensureGroup(): Promise<void>;
  /** Entries never delivered to the group, waiting up to blockMs for some; [] on timeout or interrupt. */
  readNew(count: number, blockMs: number): Promise<StreamEntry[]>;
  /** Takes over entries pending (delivered, not acknowledged) for at least minIdleMs. */
  claimIdle(minIdleMs: number, count: number): Promise<StreamEntry[]>;
  ack(id: string): Promise<void>;
  /** Makes a blocked readNew return soon. */
  interrupt(): void;
  close(): Promise<void>;
}

export type ResolvedConsumeOptions = Required<ConsumeOptions>;

export function resolveConsumeOptions(options: ConsumeOptions = {}): ResolvedConsumeOptions {
  const resolved = {
    batchSize: options.batchSize ?? 10,
    blockMs: options.blockMs ?? 1000,
    claimIdleMs: options.claimIdleMs ?? 30_000,
    startFrom: options.startFrom ?? 'new',
  };
  assertPositiveInt('batchSize', resolved.batchSize);
  assertPositiveInt('blockMs', resolved.blockMs);
  assertPositiveInt('claimIdleMs', resolved.claimIdleMs);
  return resolved;
}

/** Backoff after consecutive backend failures: 100 ms doubling up to 2 s. */
export function failureDelayMs(failures: number): number {
  return Math.min(100 * 2 ** Math.max(0, failures - 1), 2000);
}

export interface ConsumerContext {
  logger?: Logger | undefined;
  /** For log lines: stream/group/consumer. */
  labels: Record<string, string>;
}

export async function startConsumer(
  reader: GroupReader,
  handler: StreamHandler,
  options: ResolvedConsumeOptions,
  { logger, labels }: ConsumerContext,
): Promise<StreamConsumer> {
  try {
    await reader.ensureGroup();
  } catch (err) {
    await reader.close();
    throw err;
  }

  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });
  // Checking for abandoned entries every half idle period (at most every 5 s) keeps redelivery
  // within ~1.5 × claimIdleMs without hammering the backend.
  const claimEveryMs = Math.max(10, Math.min(options.claimIdleMs / 2, 5000));

  async function deliver(entry: StreamEntry): Promise<void> {
    try {
      await handler(entry);
    } catch (err) {
      logger?.warn({ err, ...labels, id: entry.id }, 'stream handler failed; the entry will be redelivered');
      return;
    }
    try {
      await reader.ack(entry.id);
    } catch (err) {
      logger?.warn({ err, ...labels, id: entry.id }, 'stream ack failed; the entry may be delivered again');
    }
  }

  async function run(): Promise<void> {
    let failures = 0;
    let nextClaimAt = 0;
    while (!stopped) {
      try {
        let batch: StreamEntry[] = [];
        if (Date.now() >= nextClaimAt) {
          batch = await reader.claimIdle(options.claimIdleMs, options.batchSize);
          // A full batch may mean more abandoned entries: look again right away.
          if (batch.length < options.batchSize) nextClaimAt = Date.now() + claimEveryMs;
        }
        if (batch.length === 0 && !stopped) {
          const untilClaim = Math.max(1, nextClaimAt - Date.now());
          batch = await reader.readNew(options.batchSize, Math.min(options.blockMs, untilClaim));
        }
        failures = 0;
        for (const entry of batch) {
          if (stopped) break; // the rest stays pending and is taken over after claimIdleMs
          await deliver(entry);
        }
      } catch (err) {
        if (stopped) break;
        failures++;
        const log = failures === 1 ? logger?.warn : logger?.debug; // one warning per outage
        log?.call(logger, { err, ...labels, failures }, 'stream consumer cannot read; retrying');
        await pause(failureDelayMs(failures));
      }
    }
  }

  const loop = run();
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        reader.interrupt();
        wake?.();
        await loop;
        await reader.close();
      })();
      return stopping;
    },
  };
}
