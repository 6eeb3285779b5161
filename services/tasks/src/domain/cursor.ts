// Opaque cursors: the list's keyset position and the changes feed's sequence number, as
// base64url JSON. A cursor that does not decode to the expected shape is a 400, never a 500.
import { HttpProblem, problems } from '@elwosa/runtime';
import { z } from 'zod';

export const SORT_FIELDS = ['createdAt', 'updatedAt', 'dueAt', 'priority'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export interface Sort {
  field: SortField;
  direction: 'asc' | 'desc';
}

/** `createdAt` ascending, `-createdAt` descending; anything else is refused (400). */
export const SORT_VALUES = SORT_FIELDS.flatMap((f) => [f, `-${f}`]) as [string, ...string[]];

export function parseSort(value: string): Sort {
  const desc = value.startsWith('-');
  const field = (desc ? value.slice(1) : value) as SortField;
  if (!SORT_FIELDS.includes(field))
    throw problems.badRequest(`sort must be one of ${SORT_VALUES.join(', ')}`);
  return { field, direction: desc ? 'desc' : 'asc' };
}

/** Where the next page starts: the last row's sort value (ISO time, priority rank or null) and id. */
export interface ListPosition {
  sort: string;
  value: string | number | null;
  id: string;
}

const positionSchema = z
  .object({
    s: z.enum(SORT_VALUES),
    v: z.union([z.iso.datetime(), z.number().int().min(0).max(4), z.null()]),
    i: z.uuid(),
  })
  .strict();

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

function decode<T>(cursor: string, schema: z.ZodType<T>): T {
  try {
    if (!/^[A-Za-z0-9_-]{1,512}$/.test(cursor)) throw new Error('not base64url');
    return schema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw problems.badRequest('invalid cursor');
  }
}

export const encodeListCursor = (p: ListPosition): string => encode({ s: p.sort, v: p.value, i: p.id });

export function decodeListCursor(cursor: string, sort: string): ListPosition {
  const p = decode(cursor, positionSchema);
  if (p.s !== sort) throw problems.badRequest('the cursor belongs to another sort order');
  // The value's kind must fit the sort field (a priority cursor carries a number, and so on).
  const numeric = sort.endsWith('priority');
  const nullable = sort.endsWith('dueAt');
  if ((typeof p.v === 'number') !== numeric || (p.v === null && !nullable))
    throw problems.badRequest('invalid cursor');
  return { sort: p.s, value: p.v, id: p.i };
}

const changeSchema = z.object({ c: z.string().regex(/^\d{1,19}$/) }).strict();

export const encodeChangeCursor = (seq: bigint): string => encode({ c: seq.toString() });

export const decodeChangeCursor = (cursor: string): bigint => BigInt(decode(cursor, changeSchema).c);

/**
 * 410 for a changes cursor older than the retained deletions (tombstones past their retention
 * were purged): the client drops its copy and syncs again without `since`.
 */
export const cursorExpired = (): HttpProblem =>
  new HttpProblem(410, 'deletions after this cursor were purged; sync again from the start (without since)', {
    extensions: { code: 'cursor_expired' },
  });
