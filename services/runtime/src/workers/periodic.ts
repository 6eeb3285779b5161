// A background loop: wait, run, repeat — until stopped. `wake()` cuts the wait short, a run
// that reports more work is followed by the next one at once, a failing run is logged and
// retried after the next wait. `stop()` resolves once the run in flight has finished.
import type { Logger } from '../observability/logger.js';

export interface PeriodicOptions {
  name: string;
  logger: Logger;
  /** Resolves `true` when there is more to do right away (anything else: wait). */
  run: () => Promise<unknown>;
  /** How long to wait before the next run. */
  delayMs: () => number;
}

export interface Periodic {
  wake(): void;
  stop(): Promise<void>;
}

export function startPeriodic(options: PeriodicOptions): Periodic {
  let stopped = false;
  let woken = false;
  let interrupt: (() => void) | undefined;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        interrupt = undefined;
        resolve();
      }
      interrupt = done;
    });

  async function loop(): Promise<void> {
    let again = false;
    while (!stopped) {
      if (!again) await wait(options.delayMs());
      woken = false;
      if (stopped) break;
      try {
        again = (await options.run()) === true;
      } catch (err) {
        again = false;
        options.logger.warn({ err, worker: options.name }, 'background run failed; retrying later');
      }
    }
  }

  const running = loop();
  return {
    wake() {
      woken = true;
      interrupt?.();
    },
    async stop() {
      stopped = true;
      interrupt?.();
      await running;
    },
  };
}
