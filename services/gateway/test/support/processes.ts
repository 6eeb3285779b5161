// Platform targets as real child processes (`elwosa start --target <t>`, the built dist): start,
// wait until ready, stop with SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { type Target, targetEnvName } from '@elwosa/runtime';

const BIN = path.resolve(import.meta.dirname, '../../../cli/bin/elwosa.js');

export interface TargetProcess {
  child: ChildProcess;
  url: string;
  /** The last of what the process wrote (logs, startup failures). */
  output(): string;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function waitReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early with ${child.exitCode}: ${output()}`);
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready in time: ${output()}`);
}

/** Starts one target on `port` with `env` (on top of this process's environment). */
export async function startTarget(
  target: Target,
  port: number,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<TargetProcess> {
  const { DATABASE_URL: _d, REDIS_URL: _r, ...inherited } = process.env;
  const child = spawn(process.execPath, [BIN, 'start', '--target', target], {
    env: { ...inherited, LOG_LEVEL: 'warn', ...env, [`ELWOSA_PORT_${targetEnvName(target)}`]: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: unknown) => {
    out = (out + String(d)).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const running: TargetProcess = {
    child,
    url,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exitOf(child);
    },
  };
  try {
    await waitReady(url, child, running.output, timeoutMs);
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  return running;
}
