// Graceful shutdown in phases on SIGTERM/SIGINT: drain (readiness fails), stop (no new
// connections, WebSockets closed with 1001, in-flight requests finish), close (database pools,
// consumers), release (what those used: the cache connection, the embedded database). The
// process exits before the grace period ends, whatever hangs. drain and stop hooks run
// together; close and release hooks run one by one in reverse registration order, so what was
// set up last (a service's background workers) stops before what it depends on (its database).
import type { Logger } from 'pino';

type Hook = () => Promise<void> | void;
export type ShutdownPhase = 'drain' | 'stop' | 'close' | 'release';
const PHASES: readonly ShutdownPhase[] = ['drain', 'stop', 'close', 'release'];

export class Lifecycle {
  private readonly hooks: Record<ShutdownPhase, Hook[]> = { drain: [], stop: [], close: [], release: [] };
  private shutdownPromise: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    readonly graceMs: number,
  ) {}

  on(phase: ShutdownPhase, hook: Hook): this {
    this.hooks[phase].push(hook);
    return this;
  }

  get shuttingDown(): boolean {
    return this.shutdownPromise !== undefined;
  }

  /** Runs the phases once; later calls return the same promise. */
  shutdown(reason: string): Promise<void> {
    this.shutdownPromise ??= this.run(reason);
    return this.shutdownPromise;
  }

  private async run(reason: string): Promise<void> {
    this.logger.info({ reason, graceMs: this.graceMs }, 'shutting down');
    for (const phase of PHASES) {
      const hooks = this.hooks[phase];
      if (phase === 'drain' || phase === 'stop') {
        const results = await Promise.allSettled(hooks.map(async (hook) => hook()));
        for (const r of results) if (r.status === 'rejected') this.warn(phase, r.reason);
        continue;
      }
      for (const hook of [...hooks].reverse()) {
        try {
          await hook();
        } catch (err) {
          this.warn(phase, err);
        }
      }
    }
    this.logger.info('shutdown complete');
  }

  private warn(phase: ShutdownPhase, err: unknown): void {
    this.logger.warn({ err: String(err), phase }, 'shutdown hook failed');
  }

  /** Exits once buffered log lines are written (at most 1 s later). */
  exitAfterFlush(code: number): void {
    setTimeout(() => process.exit(code), 1000).unref();
    try {
      this.logger.flush(() => process.exit(code));
    } catch {
      process.exit(code);
    }
  }

  /** Installs SIGTERM/SIGINT handlers that shut down and exit (code 0, or 1 past the grace period). */
  installSignalHandlers(): void {
    const handle = (signal: NodeJS.Signals) => {
      if (this.shuttingDown) return;
      const deadline = setTimeout(() => {
        this.logger.error('grace period elapsed; exiting');
        this.exitAfterFlush(1);
      }, this.graceMs);
      deadline.unref();
      void this.shutdown(signal).then(() => this.exitAfterFlush(0));
    };
    process.on('SIGTERM', handle);
    process.on('SIGINT', handle);
  }
}
