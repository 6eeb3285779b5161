// Generations across replicas: two Generations on one shared bus stand for two chat replicas.
// One generation per conversation; a stop requested on either replica aborts the one that runs
// it; a stop for another user's generation stops nothing; shutdown waits for running turns.
// Against Redis pub/sub when reachable and the in-process bus (all-in-one mode).
import { randomUUID } from 'node:crypto';
import { type CacheBus, createCacheBus, createLogger } from '@elwosa/runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { haveRealRedis, TEST_REDIS_OPTIONS, TEST_REDIS_URL } from '../../../test-support/backends.ts';
import { Generations } from '../src/domain/generations.js';

const backends = haveRealRedis() ? (['redis', 'memory'] as const) : (['memory'] as const);
const logger = createLogger({ level: 'silent' });

describe.each(backends)('generations (%s bus)', (backend) => {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const o of open.splice(0).reverse()) await o.close();
  });

  const replicas = async (): Promise<[Generations, Generations, CacheBus]> => {
    const cache = await createCacheBus({
      ...(backend === 'redis' ? { redisUrl: TEST_REDIS_URL } : {}),
      keyPrefix: `test:chat-generations:${randomUUID()}:`,
      redis: TEST_REDIS_OPTIONS,
    });
    open.push(cache);
    const a = new Generations(cache, logger, 60_000);
    const b = new Generations(cache, logger, 60_000);
    await a.listen();
    await b.listen();
    open.push(a, b);
    return [a, b, cache];
  };
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('allows one generation per conversation, on any replica', async () => {
    const [a, b] = await replicas();
    const conversation = randomUUID();
    await a.begin(conversation, 'u1');
    await expect(b.begin(conversation, 'u1')).rejects.toMatchObject({ status: 409 });
    expect(await b.isRunning(conversation)).toBe(true);
    await a.end(conversation);
    expect(await b.isRunning(conversation)).toBe(false);
    await b.begin(conversation, 'u1');
  });

  it('a stop requested on another replica aborts the generation where it runs', async () => {
    const [a, b] = await replicas();
    const conversation = randomUUID();
    const controller = await a.begin(conversation, 'u1');
    expect(await b.requestStop(conversation, 'u1')).toBe(true);
    await until(() => controller.signal.aborted);
    expect(controller.signal.reason).toBe('stopped');
  });

  it('a stop naming another user stops nothing; an idle conversation reports it', async () => {
    const [a, b] = await replicas();
    const conversation = randomUUID();
    const controller = await a.begin(conversation, 'owner');
    await b.requestStop(conversation, 'intruder');
    const other = randomUUID();
    const otherController = await a.begin(other, 'owner');
    await b.requestStop(other, 'owner');
    await until(() => otherController.signal.aborted);
    expect(controller.signal.aborted).toBe(false);
    expect(await b.requestStop(randomUUID(), 'owner')).toBe(false);
  });

  it('on shutdown aborts local generations and waits for their turns to settle', async () => {
    const [a] = await replicas();
    const controller = await a.begin(randomUUID(), 'u1');
    let saved = false;
    a.track(
      new Promise<void>((resolve) =>
        controller.signal.addEventListener('abort', () =>
          setTimeout(() => {
            saved = true;
            resolve();
          }, 20),
        ),
      ),
    );
    a.abortAll();
    expect(controller.signal.reason).toBe('shutdown');
    await a.settled();
    expect(saved).toBe(true);
  });
});
