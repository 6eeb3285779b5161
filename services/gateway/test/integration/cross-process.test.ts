// Two gateway processes, two tasks-service processes and the auth service as real child
// processes sharing the real Redis and PostgreSQL (gateway 1 → tasks 1, gateway 2 → tasks 2): a
// task changed through one instance reaches the owner's socket on the other gateway; an event
// published to the shared Redis reaches the owner's sockets on both, nobody else's; a client that
// moves from one gateway to the other resumes there without loss or duplicates; SIGTERM closes a
// gateway's sockets with 1001.
// Needs the built dist: `npx tsc -b services/gateway services/cli`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CacheBus, createCacheBus, publishUserEvent, type UserEvent } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  haveRealPg,
  haveRealRedis,
  TEST_REDIS_OPTIONS,
  TEST_REDIS_URL,
} from '../../../../test-support/backends.ts';
import { createTestDatabase, type TestDatabase } from '../../../../test-support/db.ts';
import { freePort } from '../../../../test-support/ports.ts';
import { Api, registerAndLogin } from '../../../auth/test/client.js';
import { startTarget, type TargetProcess } from '../support/processes.js';
import { eventsOf, openClient, type WsClient } from '../support/ws-client.js';

describe.runIf(haveRealPg() && haveRealRedis())('two gateway processes sharing Redis and PostgreSQL', () => {
  let dataDir: string;
  let database: TestDatabase;
  let cache: CacheBus;
  let auth: TargetProcess;
  let tasks: TargetProcess[] = [];
  let gateways: TargetProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'elwosa-ws-xproc-'));
    database = await createTestDatabase();
    const env: Record<string, string> = {
      ELWOSA_DATA_DIR: dataDir,
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      ELWOSA_SHUTDOWN_GRACE_MS: '4000',
    };
    const ports = new Set<number>();
    while (ports.size < 5) ports.add(await freePort());
    const [authPort, tasks1, tasks2, gateway1, gateway2] = [...ports] as [
      number,
      number,
      number,
      number,
      number,
    ];
    // The others find the auth service (token keys, session checks) through its port.
    env.ELWOSA_PORT_AUTH = String(authPort);
    auth = await startTarget('auth', authPort, env);
    // One after the other: the first applies the migrations.
    tasks = [await startTarget('tasks', tasks1, env), await startTarget('tasks', tasks2, env)];
    gateways = await Promise.all([
      startTarget('gateway', gateway1, { ...env, ELWOSA_SERVICE_TASKS_URL: tasks[0]!.url }),
      startTarget('gateway', gateway2, { ...env, ELWOSA_SERVICE_TASKS_URL: tasks[1]!.url }),
    ]);
    cache = await createCacheBus({ redisUrl: TEST_REDIS_URL, redis: TEST_REDIS_OPTIONS });
  }, 120_000);

  afterAll(async () => {
    await Promise.all([...gateways, ...tasks, auth].filter(Boolean).map((p) => p.stop()));
    await cache?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const wsUrl = (gateway: TargetProcess) => `${gateway.url.replace('http', 'ws')}/ws`;
  const connect = async (gateway: TargetProcess, token: string): Promise<WsClient> => {
    const client = await openClient(wsUrl(gateway), ['elwosa.v1', `bearer.${token}`]);
    expect((await client.next()).type).toBe('hello');
    return client;
  };
  const login = async () => {
    const tokens = await registerAndLogin(new Api(gateways[0]!.url));
    return { token: tokens.accessToken, userId: tokens.user.id };
  };
  const envelope = (e: UserEvent) => ({ type: e.type, seq: e.seq, data: e.data });
  const publish = async (userId: string, n: number): Promise<UserEvent[]> => {
    const out: UserEvent[] = [];
    for (let i = 0; i < n; i++) out.push(await publishUserEvent(cache, userId, 'task.updated', { i }));
    return out;
  };

  it('a task changed through one gateway and tasks process reaches the socket on the other gateway', async () => {
    const [g1, g2] = gateways as [TargetProcess, TargetProcess];
    const owner = await login();
    const other = await login();
    const on1 = await connect(g1, owner.token);
    const on2 = await connect(g2, owner.token);
    const stranger = await connect(g2, other.token);

    const created = await new Api(g1.url).call<{ id: string }>('POST', '/api/tasks', {
      token: owner.token,
      body: { title: 'Across processes' },
    });
    expect(created.status).toBe(201);
    const seenOn2 = await on2.waitFor((m) => m.type === 'task.created');
    expect(seenOn2.data).toMatchObject({ id: created.body.id, title: 'Across processes' });

    const updated = await new Api(g2.url).call('PATCH', `/api/tasks/${created.body.id}`, {
      token: owner.token,
      body: { status: 'done' },
    });
    expect(updated.status).toBe(200);
    const seenOn1 = await on1.waitFor((m) => m.type === 'task.updated');
    expect(seenOn1.data).toMatchObject({ id: created.body.id, status: 'done', version: 2 });

    await on2.waitFor((m) => m.type === 'task.updated');
    expect(eventsOf(on1)).toEqual(eventsOf(on2));
    expect(eventsOf(on1).map((m) => m.type)).toEqual(['task.created', 'task.updated']);
    stranger.ws.send('{"type":"ping"}');
    await stranger.waitFor((m) => m.type === 'pong');
    expect(eventsOf(stranger)).toEqual([]);
    await Promise.all([on1.close(), on2.close(), stranger.close()]);
  });

  it("an event reaches the owner's sockets on both gateways and nobody else's", async () => {
    const [g1, g2] = gateways as [TargetProcess, TargetProcess];
    const alice = await login();
    const bob = await login();
    const a1 = await connect(g1, alice.token);
    const a2 = await connect(g2, alice.token);
    const b2 = await connect(g2, bob.token);

    const [event] = await publish(alice.userId, 1);
    expect(await a1.next()).toEqual(envelope(event!));
    expect(await a2.next()).toEqual(envelope(event!));
    const [forBob] = await publish(bob.userId, 1);
    expect(await b2.next()).toEqual(envelope(forBob!));
    expect(eventsOf(b2)).toEqual([envelope(forBob!)]);
    expect(eventsOf(a2)).toEqual([envelope(event!)]);
    await Promise.all([a1.close(), a2.close(), b2.close()]);
  });

  it('a client that loses its gateway resumes on the other one without loss or duplicates', async () => {
    const [g1, g2] = gateways as [TargetProcess, TargetProcess];
    const user = await login();
    const first = await connect(g1, user.token);
    const seen = await publish(user.userId, 3);
    await first.waitFor((m) => m.seq === seen.at(-1)!.seq);
    await first.close();
    const missed = await publish(user.userId, 4);

    const second = await connect(g2, user.token);
    second.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: seen.at(-1)!.seq } }));
    await second.waitFor((m) => m.type === 'resumed');
    const after = await publish(user.userId, 2);
    await second.waitFor((m) => m.seq === after.at(-1)!.seq);

    expect(eventsOf(first)).toEqual(seen.map(envelope));
    expect(eventsOf(second)).toEqual([...missed, ...after].map(envelope));
    await second.close();
  });

  it('SIGTERM closes the sockets of that gateway with 1001; the other keeps delivering', async () => {
    const [g1, g2] = gateways as [TargetProcess, TargetProcess];
    const user = await login();
    const staying = await connect(g1, user.token);
    const leaving = await connect(g2, user.token);
    const exited = g2.stop();
    expect((await leaving.closed).code).toBe(1001);
    expect(await exited).toBe(0);
    const [event] = await publish(user.userId, 1);
    expect(await staying.next()).toEqual(envelope(event!));
    await staying.close();
  });
});
