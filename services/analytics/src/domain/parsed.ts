/** The outcome of reading an event: a value, or why it is not counted. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
