// Readiness: every dependency check must pass and the service must not be draining.

export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: Record<string, { ok: boolean; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: ReadinessCheck, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    check().then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

export class Readiness {
  private readonly checks = new Map<string, ReadinessCheck>();
  private drainingFlag = false;

  add(name: string, check: ReadinessCheck): this {
    this.checks.set(name, check);
    return this;
  }

  startDraining(): void {
    this.drainingFlag = true;
  }

  get draining(): boolean {
    return this.drainingFlag;
  }

  async evaluate(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => {
        try {
          await withTimeout(check, CHECK_TIMEOUT_MS);
          return [name, { ok: true }] as const;
        } catch (err) {
          return [name, { ok: false, error: err instanceof Error ? err.message : String(err) }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = !this.drainingFlag && entries.every(([, r]) => r.ok);
    return { ready, draining: this.drainingFlag, checks };
  }
}
