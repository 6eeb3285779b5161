// Task changes made through the API reach the owner's sockets at /ws and nobody else's, and a
// client that was away resumes with exactly the changes it missed — the tasks service, the
// gateway and auth in one process, on the real backends and the embedded ones (in-process bus).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../../test-support/platform.ts';
import { Api } from '../../../auth/test/client.js';
import { newUser, PLATFORM_ENV, TaskClient } from '../../../tasks/test/support.js';
import { eventsOf, openClient, type WsClient } from '../support/ws-client.js';

describe.each(backendKinds())('task events at /ws (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;

  beforeAll(async () => {
    platform = await startTestPlatform({ kind, targets: ['auth', 'tasks', 'gateway'], env: PLATFORM_ENV });
    api = new Api(platform.url);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  const connect = async (token: string): Promise<WsClient> => {
    const client = await openClient(`${platform.url.replace('http', 'ws')}/ws`, [
      'elwosa.v1',
      `bearer.${token}`,
    ]);
    expect((await client.next()).type).toBe('hello');
    return client;
  };
  const settle = async (client: WsClient) => {
    client.ws.send('{"type":"ping","data":"settle"}');
    await client.waitFor((m) => m.type === 'pong' && m.data === ('settle' as unknown));
  };

  it("a task's changes reach every socket of its owner and no other user's", async () => {
    const alice = new TaskClient(api, await newUser(api));
    const bob = new TaskClient(api, await newUser(api));
    const [a1, a2, b] = await Promise.all([
      connect(alice.user.token),
      connect(alice.user.token),
      connect(bob.user.token),
    ]);

    const task = await alice.create({ title: 'Write the report', steps: [{ title: 'outline' }] });
    const updated = await alice.call('PATCH', `/${task.id}`, { status: 'done' });
    expect(updated.status).toBe(200);
    expect((await alice.call('DELETE', `/${task.id}`)).status).toBe(204);
    // Bob cannot touch it, so nothing happens to anyone's sockets.
    expect((await bob.call('PATCH', `/${task.id}`, { title: 'mine now' })).status).toBe(404);

    for (const client of [a1, a2]) {
      await client.waitFor((m) => m.type === 'task.deleted');
      const events = eventsOf(client);
      expect(events.map((m) => m.type)).toEqual(['task.created', 'task.updated', 'task.deleted']);
      expect(events[0]!.data).toMatchObject({
        id: task.id,
        title: 'Write the report',
        ownerId: alice.user.id,
      });
      expect(events[1]!.data).toMatchObject({ id: task.id, status: 'done', version: 2 });
      expect(events[2]!.data).toMatchObject({ id: task.id });
    }
    expect(eventsOf(a1)).toEqual(eventsOf(a2));
    await settle(b);
    expect(eventsOf(b)).toEqual([]);
    await Promise.all([a1.close(), a2.close(), b.close()]);
  });

  it('a client that was away resumes with exactly the task changes it missed', async () => {
    const alice = new TaskClient(api, await newUser(api));
    const first = await connect(alice.user.token);
    const task = await alice.create({ title: 'Plan' });
    const created = await first.waitFor((m) => m.type === 'task.created');
    await first.close();

    for (const status of ['in_progress', 'blocked', 'done']) {
      expect((await alice.call('PATCH', `/${task.id}`, { status })).status).toBe(200);
    }
    const second = await connect(alice.user.token);
    second.ws.send(JSON.stringify({ type: 'resume', data: { lastSeq: created.seq } }));
    await second.waitFor((m) => m.type === 'resumed');
    const events = eventsOf(second);
    expect(events.map((m) => [m.type, m.data.status, m.data.version])).toEqual([
      ['task.updated', 'in_progress', 2],
      ['task.updated', 'blocked', 3],
      ['task.updated', 'done', 4],
    ]);
    expect(new Set(events.map((m) => m.seq)).size).toBe(3);
    await second.close();
  });
});
