// Active health checks: each replica gets `/api/version`, `/api/tags` and `/api/ps` every
// `intervalMs` after a success, and again after `retryMs` after a failure (the config keeps
// both ≥ 3 s: at most one request per second per replica). A success ends a cooldown; a failure
// starts one.
import type { Logger } from 'pino';
import type { ReplicaProbe } from '../providers/ollama.js';
import type { ReplicaPool } from './replica-pool.js';

export interface ProberOptions {
  pool: ReplicaPool;
  probe: (url: string, timeoutMs: number) => Promise<ReplicaProbe>;
  intervalMs: number;
  retryMs: number;
  timeoutMs: number;
  logger: Logger;
  now?: () => number;
}

export interface Prober {
  /** Probes every replica once now (resolves when all answered or failed). */
  probeAll(): Promise<void>;
  stop(): void;
}

export const PROBER_TICK_MS = 250;

export function startProber(options: ProberOptions): Prober {
  const { pool, logger } = options;
  const now = options.now ?? Date.now;
  const due = new Map(pool.urls().map((url) => [url, 0]));
  const running = new Set<string>();
  const probeOne = async (url: string) => {
    if (running.has(url)) return;
    running.add(url);
    try {
      pool.recordProbe(url, await options.probe(url, options.timeoutMs));
      due.set(url, now() + options.intervalMs);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ replica: url, err: message }, 'ollama replica probe failed');
      pool.recordProbeFailure(url, message);
      due.set(url, now() + options.retryMs);
    } finally {
      running.delete(url);
    }
  };
  const probeAll = async () => {
    await Promise.all(pool.urls().map(probeOne));
  };
  const timer = setInterval(() => {
    const t = now();
    for (const [url, at] of due) if (at <= t) void probeOne(url);
  }, PROBER_TICK_MS);
  timer.unref();
  void probeAll();
  return { probeAll, stop: () => clearInterval(timer) };
}
