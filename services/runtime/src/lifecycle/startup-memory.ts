// Gives back the memory a start leaves behind. Starting the services loads every module,
// compiles WebAssembly (PGlite, Prisma's query compilers), runs migrations and, on a new data
// dir, initdb: V8 grows its young generation to ~64 MB for that and keeps the emptied pages
// pooled, and the garbage waits for a later major GC. V8's memory reducer returns part of it
// only after ~30 s idle; one memory-reducing full GC once everything is up returns it at once
// (measured: all-in-one idle RSS 301 → 245 MB after a restart; docs/decisions.md).
import v8 from 'node:v8';
import vm from 'node:vm';

interface GcOptions {
  type: 'major';
  execution: 'sync';
  /** 'last-resort' also shrinks the young generation and releases pooled pages. */
  flavor: 'last-resort';
}

let collect: ((options: GcOptions) => void) | undefined;

/** One memory-reducing full GC (a pause of tens of milliseconds). Returns its duration in ms. */
export function reclaimStartupMemory(): number {
  if (!collect) {
    // V8 exposes `gc` to contexts created after the flag is set; the flag changes nothing else.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as (options: GcOptions) => void;
  }
  const started = performance.now();
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return performance.now() - started;
}
