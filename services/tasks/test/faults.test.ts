// Faults with the real backends on the tasks hot paths (read one, list, create, update), which
// run on the pg pool rather than through Prisma: PostgreSQL taken away (through a proxy, the
// shared server keeps running) and its connections killed. Requests get 503 problem+json, never
// 500, nothing is half written, and the service resumes by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRealPg, haveRealRedis, TEST_PG_URL } from '../../../test-support/backends.ts';
import { terminateConnections } from '../../../test-support/db.ts';
import { startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import { TcpProxy } from '../../../test-support/tcp-proxy.ts';
import { waitFor } from '../../../test-support/wait.ts';
import { Api } from '../../auth/test/client.js';
import { newUser, PLATFORM_ENV, type Task, TaskClient } from './support.js';

describe.runIf(haveRealPg() && haveRealRedis())(
  'tasks hot paths under database faults (real backends)',
  () => {
    let platform: TestPlatform;
    let proxy: TcpProxy;
    let tasks: TaskClient;
    let task: Task;

    /** Each hot path once: the statuses in order list, get, create, update. */
    const hotPaths = () =>
      Promise.all([
        tasks.list(),
        tasks.call('GET', `/${task.id}`),
        tasks.call('POST', '', { title: 'written during the fault' }),
        tasks.call('PATCH', `/${task.id}`, { title: 'changed during the fault' }),
      ]);

    beforeAll(async () => {
      const target = new URL(TEST_PG_URL);
      proxy = await new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) }).start();
      platform = await startTestPlatform({
        kind: 'real',
        targets: ['auth', 'tasks', 'gateway'],
        env: PLATFORM_ENV,
        routeDatabase: (url) => {
          const routed = new URL(url);
          routed.hostname = '127.0.0.1';
          routed.port = String(proxy.port);
          return routed.toString();
        },
      });
      const api = new Api(platform.url);
      tasks = new TaskClient(api, await newUser(api));
      task = await tasks.create({ title: 'before the fault' });
    });
    afterAll(async () => {
      await platform?.stop();
      await proxy?.close();
    });

    it('answers 503 on every hot path while PostgreSQL is away, writes nothing, then recovers', async () => {
      await proxy.cut();
      try {
        for (const res of await hotPaths()) {
          expect(res.status).toBe(503);
          expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
          expect(res.body).toMatchObject({ status: 503 });
          expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
        }
        expect((await fetch(`${platform.urlOf('tasks')}/readyz`)).status).toBe(503);
      } finally {
        await proxy.restore();
      }
      await waitFor(async () => (await tasks.list()).status === 200, 'the service to answer again', 15_000);
      const after = await tasks.list();
      expect(after.body.items.map((t) => t.title)).toEqual(['before the fault']);
      expect(after.body.items[0]?.version).toBe(task.version);
    });

    it('survives killed PostgreSQL connections: 503 at worst, never 500, then recovers', async () => {
      // The platform's connections come through the proxy; every one is killed.
      expect(await terminateConnections(platform.deps.databaseUrl!)).toBeGreaterThan(0);
      const statuses = (await hotPaths()).map((res) => res.status);
      expect(statuses.every((s) => [200, 201, 503].includes(s))).toBe(true);
      await waitFor(
        async () => (await hotPaths()).every((res) => res.status < 300),
        'the service to answer again',
        15_000,
      );
    });
  },
);
