// Active health checks: every `intervalMs` each replica gets `/api/version`, `/api/tags` and
// `/api/ps` (three requests per interval; the config keeps the interval ≥ 3 s, so at most one
// request per second per replica). A success ends a cooldown; a failure starts one.
import type { Logger } from 'pino';
import type { ReplicaProbe } from '../providers/ollama.js';
import type { ReplicaPool } from './replica-pool.js';

export interface ProberOptions {
  pool: ReplicaPool;
  probe: (url: string, timeoutMs: number) => Promise<ReplicaProbe>;
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
}

export interface Prober {
  /** Probes every replica once now (resolves when all answered or failed). */
  probeAll(): Promise<void>;
  stop(): void;
}

export function startProber(options: ProberOptions): Prober {
  const { pool, logger } = options;
  const running = new Set<string>();
  const probeOne = async (url: string) => {
    if (running.has(url)) return;
    running.add(url);
    try {
      pool.recordProbe(url, await options.probe(url, options.timeoutMs));
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      logger.warn({ replica: url, err: message }, 'ollama replica probe failed');
      pool.recordProbeFailure(url, message);
    } finally {
      running.delete(url);
    }
  };
  const probeAll = async () => {
    await Promise.all(pool.urls().map(probeOne));
  };
  const timer = setInterval(() => void probeAll(), options.intervalMs);
  timer.unref();
  void probeAll();
  return {
    probeAll,
    stop: () => clearInterval(timer),
  };
}
