// Redis stream ids (`<ms>-<seq>`): parsing, ordering and generation, so the in-process streams
// hand out ids that readRange/resume treat exactly like Redis ones.

export interface StreamId {
  ms: number;
  seq: number;
}

const ID = /^(\d{1,16})(?:-(\d{1,16}))?$/;

/** Accepts `<ms>-<seq>` and the short form `<ms>` (= `<ms>-0`). Throws RangeError otherwise. */
export function parseStreamId(id: string): StreamId {
  const match = ID.exec(id);
  const ms = Number(match?.[1]);
  const seq = Number(match?.[2] ?? 0);
  if (!match || !Number.isSafeInteger(ms) || !Number.isSafeInteger(seq)) {
    throw new RangeError(`invalid stream id: ${JSON.stringify(id)}`);
  }
  return { ms, seq };
}

export function formatStreamId({ ms, seq }: StreamId): string {
  return `${ms}-${seq}`;
}

/** Canonical `<ms>-<seq>` form of a valid id. */
export function normalizeStreamId(id: string): string {
  return formatStreamId(parseStreamId(id));
}

export function compareStreamIds(a: StreamId, b: StreamId): number {
  return a.ms === b.ms ? a.seq - b.seq : a.ms - b.ms;
}

/** The id Redis would assign after `last` at wall-clock `nowMs` (monotonic even if the clock steps back). */
export function nextStreamId(last: StreamId, nowMs: number): StreamId {
  return nowMs > last.ms ? { ms: nowMs, seq: 0 } : { ms: last.ms, seq: last.seq + 1 };
}
