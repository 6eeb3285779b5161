// `elwosa start` as a real child process for tests: free ports for every target, the process's
// output kept (so a failed start says why), readiness awaited, and a fresh set of ports when
// another process took one between choosing it and binding it (EADDRINUSE).
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { TARGETS, targetEnvName } from '@elwosa/runtime';
import { freePort } from './ports.ts';

export const ELWOSA_BIN = path.resolve(import.meta.dirname, '../services/cli/bin/elwosa.js');

/** The last this many characters of a process's output are kept. */
const OUTPUT_TAIL = 8_192;

/** The parent's environment without the variables that would point the platform elsewhere. */
export function isolatedEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _d, REDIS_URL: _r, ELWOSA_URL: _u, XDG_CONFIG_HOME: _x, ...inherited } = process.env;
  return inherited;
}

/** ELWOSA_PORT_<TARGET> for every target, each a currently free loopback port. */
export async function platformPortEnv(): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const t of TARGETS) vars[`ELWOSA_PORT_${targetEnvName(t)}`] = String(await freePort());
  return vars;
}

export interface ElwosaProcess {
  child: ChildProcess;
  /** The tail of what the process wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves with the exit code once the process has exited and its output is read. */
  exited(): Promise<number | null>;
}

/** Spawns `elwosa <args>` with `env` on top of the isolated parent environment. */
export function spawnElwosa(args: string[], env: Record<string, string>): ElwosaProcess {
  const child = spawn(process.execPath, [ELWOSA_BIN, ...args], {
    env: { ...isolatedEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + String(chunk)).slice(-OUTPUT_TAIL);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, output: () => tail, exited: () => exit };
}

export class PlatformStartError extends Error {
  readonly output: string;

  constructor(message: string, output: string) {
    super(`${message}; its output ends:\n${output}`);
    this.output = output;
  }
}

async function waitReady(url: string, platform: ElwosaProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (platform.child.exitCode !== null) {
      throw new PlatformStartError(
        `platform exited early with ${platform.child.exitCode}`,
        platform.output(),
      );
    }
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  platform.child.kill('SIGKILL');
  throw new PlatformStartError('platform not ready in time', platform.output());
}

export interface RunningPlatformProcess extends ElwosaProcess {
  gatewayUrl: string;
  /** The environment it was started with, ports included. */
  env: Record<string, string>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `elwosa start --target all` and waits until the gateway is ready. Ports are chosen
 * here; a start that lost a port to another process is retried on fresh ones.
 */
export async function startPlatformProcess(
  env: Record<string, string>,
  options: { timeoutMs?: number; attempts?: number } = {},
): Promise<RunningPlatformProcess> {
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const fullEnv = { ...env, ...(await platformPortEnv()) };
    const gatewayUrl = `http://127.0.0.1:${fullEnv[`ELWOSA_PORT_${targetEnvName('gateway')}`]}`;
    const platform = spawnElwosa(['start', '--target', 'all'], fullEnv);
    try {
      await waitReady(gatewayUrl, platform, options.timeoutMs ?? 60_000);
    } catch (err) {
      await platform.exited();
      if (attempt < attempts && err instanceof PlatformStartError && err.output.includes('EADDRINUSE'))
        continue;
      throw err;
    }
    return {
      ...platform,
      gatewayUrl,
      env: fullEnv,
      stop: async () => {
        if (platform.child.exitCode === null) platform.child.kill('SIGTERM');
        return platform.exited();
      },
    };
  }
}
