// glibc's malloc tuning for `elwosa start`. By default glibc raises its mmap threshold to the
// size of the largest mmapped block freed so far (up to 32 MB). Starting the platform frees
// several such blocks (WebAssembly bytes, PGlite's file bundle, initdb's buffers), after which
// every allocation below that size lands in the brk heap, where freed memory stays with the
// process once fragmented. A fixed threshold keeps large blocks in mmap, so they go back to
// the system when freed (measured: all-in-one idle RSS 215 → 174 MB after a restart, 353 →
// 224 MB on the first start; docs/decisions.md). glibc reads the setting only at process
// start, so the process replaces itself once with the setting in its environment.

/** The setting: glibc's initial threshold (128 KiB), fixed. An explicit value is kept. */
export const MALLOC_ENV = { MALLOC_MMAP_THRESHOLD_: '131072' } as const;

/**
 * The environment to restart with, or undefined when the process already runs as it should.
 * `onGlibc` is asked only when the setting is missing (it reads a diagnostic report, ~3 ms).
 */
export function allocatorRestartEnv(
  env: NodeJS.ProcessEnv,
  onGlibc: () => boolean,
): NodeJS.ProcessEnv | undefined {
  if (Object.keys(MALLOC_ENV).every((name) => env[name] !== undefined)) return undefined;
  return onGlibc() ? { ...MALLOC_ENV, ...env } : undefined;
}

function runsOnGlibc(): boolean {
  if (process.platform !== 'linux') return false;
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  return Boolean(report.header?.glibcVersionRuntime);
}

/** Replaces this process (same pid, stdio and arguments) with one that has MALLOC_ENV set. */
export function applyAllocatorSettings(): void {
  if (typeof process.execve !== 'function') return;
  const env = allocatorRestartEnv(process.env, runsOnGlibc);
  if (!env) return;
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], env);
}
