// Turning Redis stream replies into StreamEntry values.
import type { StreamEntry, StreamFields } from '../cache-bus.js';

/** `[[id, [field, value, …]], …]` (XRANGE, XAUTOCLAIM, one stream of XREADGROUP); entries without fields are skipped. */
export function toEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    if (!Array.isArray(item) || typeof item[0] !== 'string' || !Array.isArray(item[1])) continue;
    entries.push({ id: item[0], fields: toFields(item[1]) });
  }
  return entries;
}

function toFields(flat: unknown[]): StreamFields {
  const fields: StreamFields = {};
  for (let i = 0; i + 1 < flat.length; i += 2) fields[String(flat[i])] = String(flat[i + 1]);
  return fields;
}

/** XREADGROUP reply for a single stream: `[[stream, entries]]` or null on timeout. */
export function readGroupEntries(raw: unknown): StreamEntry[] {
  if (!Array.isArray(raw)) return [];
  const first: unknown = raw[0];
  return Array.isArray(first) ? toEntries(first[1]) : [];
}

/** XAUTOCLAIM reply: `[nextCursor, entries, deletedIds]`. */
export function autoClaimReply(raw: unknown): { cursor: string; entries: StreamEntry[]; deleted: string[] } {
  const [cursor, entries, deleted] = Array.isArray(raw) ? raw : [];
  return {
    cursor: typeof cursor === 'string' ? cursor : '0-0',
    entries: toEntries(entries),
    deleted: Array.isArray(deleted) ? deleted.map(String) : [],
  };
}
