// Live updates at /ws: user events published with publishUserEvent reach every connection of
// their user and nobody else's, and a reconnecting client resumes without loss or duplicates —
// also for events published while the replay is read — or is told to resync. Against Redis
// pub/sub when reachable and the in-process bus (all-in-one mode).
import { randomUUID } from 'node:crypto';
import {
  createCacheBus,
  publishUserEvent,
  USER_EVENT_LOG_LENGTH,
  type UserEvent,
  userEventChannel,
  userEventLog,
} from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRealRedis, TEST_REDIS_OPTIONS, TEST_REDIS_URL } from '../../../../test-support/backends.ts';
import { compareCursors } from '../../src/live/cursor.js';
import { type GatedCache, gateReads } from '../support/gated-cache.js';
import { type Harness, startHarness } from '../support/harness.js';
import { rawRequest } from '../support/raw-request.js';
import { type Envelope, eventsOf, openClient, type WsClient } from '../support/ws-client.js';

const backends = haveRealRedis() ? (['redis', 'memory'] as const) : (['memory'] as const);

describe.each(backends)('live updates (%s)', (backend) => {
  let h: Harness;
  let gated: GatedCache;

  beforeAll(async () => {
    const inner = await createCacheBus({
      ...(backend === 'redis' ? { redisUrl: TEST_REDIS_URL } : {}),
      keyPrefix: `test:gateway-live:${randomUUID()}:`,
      redis: TEST_REDIS_OPTIONS,
    });
    gated = gateReads(inner);
    h = await startHarness({ cache: gated.cache });
  });
  afterAll(async () => {
    await h?.stop();
  });

  const connect = async (
    token: string,
    protocols: string[] = [],
  ): Promise<WsClient & { hello: Envelope }> => {
    const client = protocols.length
      ? await openClient(h.wsUrl, protocols)
      : await openClient(h.wsUrl, [], { headers: { authorization: `Bearer ${token}` } });
    const hello = await client.next();
    expect(hello.type).toBe('hello');
    return Object.assign(client, { hello });
  };
  const publish = (userId: string, n: number, from = 0): Promise<UserEvent[]> =>
    Promise.all(
      Array.from({ length: n }, (_, i) => publishUserEvent(h.cache, userId, 'task.updated', { n: from + i })),
    ).then((events) => events.sort((a, b) => compareCursors(a.seq, b.seq)));
  const publishInOrder = async (userId: string, n: number, from = 0): Promise<UserEvent[]> => {
    const out: UserEvent[] = [];
    for (let i = 0; i < n; i++)
      out.push(await publishUserEvent(h.cache, userId, 'task.updated', { n: from + i }));
    return out;
  };
  const metric = async (name: string): Promise<number> => {
    const text = (await rawRequest(h.url, 'GET', '/metrics')).body;
    let sum = 0;
    for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.split(' ').at(-1));
    return sum;
  };
  const waitForMetric = async (name: string, atLeast: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((await metric(name)) < atLeast) {
      if (Date.now() > deadline) throw new Error(`${name} stayed below ${atLeast}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const envelope = (e: UserEvent) => ({ type: e.type, seq: e.seq, data: e.data });
  /** A round trip on the socket: everything sent to it before is in `received` afterwards. */
  const settle = async (client: WsClient) => {
    const token = randomUUID();
    client.ws.send(JSON.stringify({ type: 'ping', data: token }));
    await client.waitFor((m) => m.type === 'pong' && m.data === (token as unknown));
  };

  it("an event reaches every connection of its user and none of another user's", async () => {
    const alice = await h.login();
    const bob = await h.login();
    const a1 = await connect(alice.token);
    const a2 = await connect(alice.token, ['elwosa.v1', `bearer.${alice.token}`]);
    const b = await connect(bob.token);
    // Asking for someone else's events is not part of the protocol.
    b.ws.send(JSON.stringify({ type: 'subscribe', data: { userId: alice.userId } }));
    expect((await b.next()).data).toMatchObject({ code: 'bad_message' });
    const before = await metric('gateway_live_events_delivered_total');

    const event = await publishUserEvent(h.cache, alice.userId, 'task.created', { id: 't1', title: 'Hi' });
    expect(await a1.next()).toEqual(envelope(event));
    expect(await a2.next()).toEqual(envelope(event));
    await settle(b);
    expect(eventsOf(b)).toEqual([]);
    const forBob = await publishUserEvent(h.cache, bob.userId, 'notification.created', { id: 'n1' });
    expect(await b.waitFor((m) => m.seq !== null)).toEqual(envelope(forBob));
    await Promise.all([settle(a1), settle(a2)]);
    expect(eventsOf(a1)).toEqual([envelope(event)]);
    expect(eventsOf(a2)).toEqual([envelope(event)]);
    expect((await metric('gateway_live_events_delivered_total')) - before).toBe(3);
    await Promise.all([a1.close(), a2.close(), b.close()]);
  });

  it("a replica receives a user's events only while that user has a connection to it", async () => {
    const [here, away] = [await h.login(), await h.login()];
    const received = () => metric('gateway_live_events_received_total');
    const client = await connect(here.token);
    const before = await received();
    await publishUserEvent(h.cache, away.userId, 'task.created', { id: 'elsewhere' });
    const event = await publishUserEvent(h.cache, here.userId, 'task.created', { id: 'here' });
    expect(await client.next()).toEqual(envelope(event));
    expect((await received()) - before).toBe(1); // the other user's event never reached this replica
    await client.close();
    // The user's last connection gone, the replica unsubscribes from their channel.
    const deadline = Date.now() + 5000;
    for (;;) {
      const at = await received();
      await publishUserEvent(h.cache, here.userId, 'task.updated', { id: 'here' });
      await new Promise((r) => setTimeout(r, 50));
      if ((await received()) === at) break;
      expect(Date.now(), 'still subscribed after the last connection closed').toBeLessThan(deadline);
    }
  });

  it("refuses the upgrade with 503 when it cannot subscribe to the user's events, and accepts it again after", async () => {
    const user = await h.login();
    gated.failSubscribes(true);
    try {
      const err = await openClient(h.wsUrl, [], { headers: { authorization: `Bearer ${user.token}` } }).then(
        () => undefined,
        (e: unknown) => e as { res?: { statusCode?: number; headers: Record<string, string> } },
      );
      expect(err?.res?.statusCode).toBe(503);
      expect(err?.res?.headers['content-type']).toContain('application/problem+json');
      expect(err?.res?.headers['retry-after']).toBe('1');
    } finally {
      gated.failSubscribes(false);
    }
    const client = await connect(user.token);
    const event = await publishUserEvent(h.cache, user.userId, 'task.created', { id: 'back' });
    expect(await client.next()).toEqual(envelope(event));
    await client.close();
  });

  it('events published in a burst arrive complete and in order', async () => {
    const user = await h.login();
    const client = await connect(user.token);
    const events = await publish(user.userId, 50);
    await client.waitFor((m) => m.seq === events.at(-1)!.seq);
    expect(eventsOf(client)).toEqual(events.map(envelope));
    await client.close();
  });

  it.each([
    ['the read reaches the log before', 'after'],
    ['the read reaches the log after', 'before'],
  ] as const)(
    'resume: events missed while away and published during the replay (%s them) arrive exactly once',
    async (_name, where) => {
      const user = await h.login();
      const first = await connect(user.token);
      const seen = await publishInOrder(user.userId, 3);
      await first.waitFor((m) => m.seq === seen.at(-1)!.seq);
      await first.close();

      const missed = await publishInOrder(user.userId, 4, 3);
      const second = await connect(user.token);
      // One event arrives live before the client gets to resume: not repeated by the replay.
      const [early] = await publishInOrder(user.userId, 1, 7);
      await second.waitFor((m) => m.seq === early!.seq);

      const gate = gated.holdNextRead(where);
      second.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: seen.at(-1)!.seq } }));
      await gate.entered;
      const received = await metric('gateway_live_events_received_total');
      const during = await publish(user.userId, 5, 8);
      // The live events reached the gateway while the replay was held: they wait in the buffer.
      await waitForMetric('gateway_live_events_received_total', received + during.length);
      expect(eventsOf(second).map((m) => m.seq)).toEqual([early!.seq]);
      gate.release();
      const resumed = await second.waitFor((m) => m.type === 'resumed');
      const after = await publishInOrder(user.userId, 2, 13);
      await second.waitFor((m) => m.seq === after.at(-1)!.seq);
      await settle(second);

      const expected = [early!, ...missed, ...during, ...after].map(envelope);
      expect(eventsOf(second)).toEqual(expected);
      expect(resumed.data).toEqual({ lastSeq: seen.at(-1)!.seq, replayed: missed.length + during.length });
      // Across both connections: exactly the published sequence, each event once.
      const all = [...eventsOf(first), ...eventsOf(second)].map((m) => m.seq!);
      expect([...all].sort()).toEqual(
        [...seen, ...missed, early!, ...during, ...after].map((e) => e.seq).sort(),
      );
      expect(new Set(all).size).toBe(all.length);
      await second.close();
    },
  );

  it('an event whose publish arrives only after the replay that already sent it is not sent again', async () => {
    const user = await h.login();
    const [seen] = await publishInOrder(user.userId, 1);
    const client = await connect(user.token);
    const gate = gated.holdNextRead('before');
    client.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: seen!.seq } }));
    await gate.entered;
    // A slow publisher: the event is in the log (so the replay sends it) but not yet on the channel.
    const slow = { userId: user.userId, type: 'task.updated', data: { slow: true } };
    const seq = await h.cache.append(
      userEventLog(user.userId),
      { type: slow.type, data: JSON.stringify(slow.data) },
      { maxLen: USER_EVENT_LOG_LENGTH },
    );
    gate.release();
    expect((await client.waitFor((m) => m.type === 'resumed')).data).toMatchObject({ replayed: 1 });
    await h.cache.publish(userEventChannel(user.userId), JSON.stringify({ ...slow, seq }));
    const [next] = await publishInOrder(user.userId, 1);
    await client.waitFor((m) => m.seq === next!.seq);
    expect(eventsOf(client).map((m) => m.seq)).toEqual([seq, next!.seq]);
    await client.close();
  });

  it("hello carries the log's newest cursor: a client that got no event resumes from it", async () => {
    const user = await h.login();
    const fresh = await connect(user.token);
    expect(fresh.hello.data).toMatchObject({ lastSeq: null }); // nothing was ever published to this user
    await fresh.close();
    const before = await publishInOrder(user.userId, 2);
    const first = await connect(user.token);
    const cursor = (first.hello.data as { lastSeq: string }).lastSeq;
    expect(cursor).toBe(before.at(-1)!.seq);
    await first.close(); // gone before any event reached it

    const missed = await publishInOrder(user.userId, 3, 2);
    const second = await connect(user.token);
    second.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: cursor } }));
    const resumed = await second.waitFor((m) => m.type === 'resumed');
    expect(resumed.data).toEqual({ lastSeq: cursor, replayed: missed.length });
    expect(eventsOf(second)).toEqual(missed.map(envelope));
    expect(eventsOf(first)).toEqual([]);
    await second.close();
  });

  it('resume with the newest cursor replays nothing and continues live', async () => {
    const user = await h.login();
    const [last] = await publishInOrder(user.userId, 1);
    const client = await connect(user.token);
    client.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: last!.seq } }));
    expect(await client.next()).toEqual({
      type: 'resumed',
      seq: null,
      data: { lastSeq: last!.seq, replayed: 0 },
    });
    const [live] = await publishInOrder(user.userId, 1);
    expect(await client.next()).toEqual(envelope(live!));
    await client.close();
  });

  it('a cursor older than the retained log → resync; so is a malformed one; a second resume is refused', async () => {
    const user = await h.login();
    const [old] = await publishInOrder(user.userId, 1);
    // Trim the log the way USER_EVENT_LOG_LENGTH does, only shorter (Redis trims whole nodes of
    // 100 entries, hence the 250 appends).
    const log = userEventLog(user.userId);
    await Promise.all(
      Array.from({ length: 250 }, () => h.cache.append(log, { type: 't', data: '{}' }, { maxLen: 2 })),
    );
    const [oldest] = await h.cache.readRange(log, '0', 1);
    expect(compareCursors(oldest!.id, old!.seq)).toBeGreaterThan(0);
    const resyncsBefore = await metric('gateway_live_resyncs_total');

    const client = await connect(user.token);
    client.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: old!.seq } }));
    expect(await client.next()).toEqual({
      type: 'resync',
      seq: null,
      data: { lastSeq: old!.seq, reason: 'expired' },
    });
    client.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: old!.seq } }));
    expect((await client.next()).data).toEqual({ lastSeq: old!.seq, reason: 'already_resumed' });
    const [live] = await publishInOrder(user.userId, 1);
    expect(await client.next()).toEqual(envelope(live!));

    const other = await connect(user.token);
    other.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: 'last tuesday' } }));
    expect((await other.next()).data).toEqual({ lastSeq: 'last tuesday', reason: 'invalid_cursor' });
    expect((await metric('gateway_live_resyncs_total')) - resyncsBefore).toBe(3);
    await Promise.all([client.close(), other.close()]);
  });
});
