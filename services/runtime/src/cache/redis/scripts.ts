// Lua scripts, registered with ioredis defineCommand (EVALSHA, falling back to EVAL on NOSCRIPT).
import type { Redis } from 'ioredis';

/**
 * Sliding log on a sorted set, the same steps as slideAndTry (sliding-window.ts), in Redis's clock
 * so every replica of a service shares one time line. Members are unique per call (ARGV[3]).
 * Returns {allowed 0|1, count, now, oldest, newest}. An admitted request is the newest entry and
 * its result never reads `oldest`, so the log is only read back on a denial (the common path
 * makes four calls instead of six).
 */
const SLIDING_WINDOW = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, ARGV[3])
  redis.call('PEXPIRE', key, window)
  return {1, count + 1, now, now, now}
end
local oldest = tonumber(redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')[2])
local newest = tonumber(redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')[2])
return {0, count, now, oldest, newest}
`;

/** INCRBY that sets the TTL (ARGV[2] ms, 0 = none) only when it creates the counter. */
const INCR_WITH_TTL = `
local created = redis.call('EXISTS', KEYS[1]) == 0
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if created and ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return value
`;

/**
 * XADD (KEYS[1], trimmed to about ARGV[1] entries, fields from ARGV[5] on), then PUBLISH on
 * ARGV[2] of ARGV[3] .. id .. ARGV[4]; returns the id. One script, so the announcement cannot be
 * lost between the two, and announcements of one stream leave in id order.
 */
const APPEND_AND_PUBLISH = `
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 5))
redis.call('PUBLISH', ARGV[2], ARGV[3] .. id .. ARGV[4])
return id
`;

export type SlidingWindowReply = [
  allowed: number,
  count: number,
  now: number,
  oldest: number,
  newest: number,
];

export interface ScriptCommands {
  elwosaSlidingWindow(
    key: string,
    limit: number,
    windowMs: number,
    member: string,
  ): Promise<SlidingWindowReply>;
  elwosaIncr(key: string, by: number, ttlMs: number): Promise<number>;
  elwosaAppendAndPublish(
    stream: string,
    maxLen: number,
    channel: string,
    prefix: string,
    suffix: string,
    ...fields: string[]
  ): Promise<string>;
}

export type ScriptedRedis = Redis & ScriptCommands;

export function defineScripts(redis: Redis): ScriptedRedis {
  redis.defineCommand('elwosaSlidingWindow', { numberOfKeys: 1, lua: SLIDING_WINDOW });
  redis.defineCommand('elwosaIncr', { numberOfKeys: 1, lua: INCR_WITH_TTL });
  redis.defineCommand('elwosaAppendAndPublish', { numberOfKeys: 1, lua: APPEND_AND_PUBLISH });
  return redis as ScriptedRedis;
}
