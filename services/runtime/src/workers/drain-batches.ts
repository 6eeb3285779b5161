// A background job's backlog, worked off one batch (one transaction) at a time: a batch that
// comes back short means nothing is left; a job asked to stop finishes its current batch first.

/** Runs `step` until it handles fewer than `batchSize` items or `stopped()`; resolves the total handled. */
export async function drainBatches(
  step: () => Promise<number>,
  batchSize: number,
  stopped: () => boolean = () => false,
): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await step();
    total += handled;
    if (handled < batchSize || stopped()) return total;
  }
}
