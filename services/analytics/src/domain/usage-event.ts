// The `ai.usage` event (emitted by ai-bridge for every call, aborted streams included) as a
// usage record (pure). Extra fields are tolerated (newer producers); a malformed event, or one
// whose cost is not an integer number of micro-USD, is refused with a reason and never stored.
// The record's identity is the stream entry id: a redelivered entry is the same call, while two
// entries with one requestId (the HTTP request id, which clients may set) are two calls.
import { z } from 'zod';
import { type Day, dayOf } from './days.js';
import type { Parsed } from './parsed.js';

export const USAGE_EVENT_TYPE = 'ai.usage';

/** Text PostgreSQL can store (no NUL), so a stored event never fails on insert and loops. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !v.includes('\u0000'), 'must not contain NUL');
const count = z.number().int().nonnegative().max(2_147_483_647);
const millis = z
  .number()
  .nonnegative()
  .max(2_147_483_647)
  .transform((v) => Math.round(v));

const UsageData = z.object({
  requestId: text(200).min(1),
  provider: text(100).min(1),
  model: text(200).min(1),
  operation: z.enum(['chat', 'embedding']),
  inputTokens: count,
  outputTokens: count,
  cachedTokens: count.default(0),
  estimated: z.boolean().default(false),
  costMicroUsd: z.number().int('must be integer micro-USD').nonnegative().max(Number.MAX_SAFE_INTEGER),
  costKnown: z.boolean().default(true),
  priceVersion: text(100).nullable().default(null),
  latencyMs: millis,
  ttftMs: millis.nullable().default(null),
  replica: text(500).nullable().default(null),
  status: z.enum(['ok', 'error', 'aborted']),
  cacheHit: z.boolean().default(false),
  conversationId: text(200).nullable().default(null),
  createdAt: z.iso.datetime({ offset: true }),
});

export interface UsageRecordInput {
  eventId: string;
  requestId: string;
  userId: string;
  provider: string;
  model: string;
  operation: 'chat' | 'embedding';
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  estimated: boolean;
  costMicroUsd: bigint;
  costKnown: boolean;
  priceVersion: string | null;
  latencyMs: number;
  ttftMs: number | null;
  replica: string | null;
  status: 'ok' | 'error' | 'aborted';
  cacheHit: boolean;
  conversationId: string | null;
  createdAt: Date;
  day: Day;
}

const userIdSchema = z.uuid();

export function parseUsageEvent(event: {
  id?: string | undefined;
  type: string;
  userId: string;
  data: unknown;
}): Parsed<UsageRecordInput> {
  if (event.type !== USAGE_EVENT_TYPE) return { ok: false, reason: `unknown type ${event.type}` };
  if (!event.id) return { ok: false, reason: 'no stream id' };
  if (!userIdSchema.safeParse(event.userId).success) return { ok: false, reason: 'userId is not a user id' };
  const parsed = UsageData.safeParse(event.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'data'}: ${issue?.message ?? 'invalid'}` };
  }
  const { costMicroUsd, createdAt, ...data } = parsed.data;
  const at = new Date(createdAt);
  return {
    ok: true,
    value: {
      ...data,
      eventId: event.id,
      userId: event.userId,
      costMicroUsd: BigInt(costMicroUsd),
      createdAt: at,
      day: dayOf(at),
    },
  };
}
