// The timeouts of one upstream attempt besides the dispatcher's connect timeout: time to first
// token, idle time between chunks, and the call's total deadline. Each fires by aborting the
// attempt's controller with a `timeout` ProviderError, which the provider stream rethrows.
import { ProviderError } from './types.js';

export interface StreamTimeouts {
  ttftMs: number;
  idleMs: number;
  /** Epoch ms by which the whole call must be done. */
  deadline: number;
}

export class Watchdog {
  private first = true;
  private readonly phase: NodeJS.Timeout;
  private readonly total: NodeJS.Timeout;

  constructor(
    private readonly controller: AbortController,
    private readonly timeouts: StreamTimeouts,
  ) {
    this.phase = setTimeout(() => this.fire(`no first token within ${timeouts.ttftMs} ms`), timeouts.ttftMs);
    this.total = setTimeout(
      () => this.fire('the total time limit was reached'),
      Math.max(0, timeouts.deadline - Date.now()),
    );
  }

  /** Called for every event: the first ends the TTFT phase, each one restarts the idle timer. */
  touch(): void {
    if (this.first) {
      this.first = false;
      clearTimeout(this.phase);
      this.idle = setTimeout(
        () => this.fire(`no chunk for ${this.timeouts.idleMs} ms`),
        this.timeouts.idleMs,
      );
      return;
    }
    this.idle?.refresh();
  }

  private idle: NodeJS.Timeout | undefined;

  stop(): void {
    clearTimeout(this.phase);
    clearTimeout(this.total);
    if (this.idle) clearTimeout(this.idle);
  }

  private fire(message: string): void {
    if (!this.controller.signal.aborted) this.controller.abort(new ProviderError('timeout', message));
  }
}
