// The memory API end to end through the gateway, on the real backends (PostgreSQL without
// pgvector: exact cosine in process) and the embedded ones (PGlite: pgvector HNSW), with the
// hashing embedder.
import { userEventFromEntry, userEventLog } from '@elwosa/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { backendKinds, startTestPlatform, type TestPlatform } from '../../../test-support/platform.ts';
import type { MemoryDto, SearchResultDto } from '../src/api.js';
import { Api, signUp } from './support/api.js';

interface Page {
  items: MemoryDto[];
  nextCursor: string | null;
}

describe.each(backendKinds())('memory API (%s backends)', (kind) => {
  let platform: TestPlatform;
  let api: Api;
  let alice: { token: string; userId: string };
  let bob: { token: string; userId: string };

  const as = (user: { token: string }) => ({
    get: <T = Record<string, unknown>>(path: string) => api.call<T>('GET', path, { token: user.token }),
    post: <T = Record<string, unknown>>(path: string, body: unknown) =>
      api.call<T>('POST', path, { token: user.token, body }),
    patch: <T = Record<string, unknown>>(path: string, body: unknown) =>
      api.call<T>('PATCH', path, { token: user.token, body }),
    del: (path: string) => api.call('DELETE', path, { token: user.token }),
  });
  const remember = async (user: { token: string }, body: Record<string, unknown>) => {
    const res = await as(user).post<MemoryDto>('/api/memory/memories', body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };
  const search = (user: { token: string }, body: Record<string, unknown>) =>
    as(user).post<SearchResultDto>('/api/memory/search', body);

  beforeAll(async () => {
    platform = await startTestPlatform({
      kind,
      targets: ['auth', 'memory', 'gateway'],
      env: { ELWOSA_EMBEDDING_MODEL: 'hash', ELWOSA_RATE_LIMIT_PER_MINUTE: '100000' },
    });
    api = new Api(platform.url);
    alice = await signUp(api);
    bob = await signUp(api);
  });
  afterAll(async () => {
    await platform?.stop();
  });

  it('reports the model and the vector backend of this database', async () => {
    const res = await as(alice).get('/api/memory/status');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      model: 'hash:v1-512',
      dimensions: 512,
      vectorBackend: kind === 'embedded' ? 'pgvector' : 'in-process',
    });
  });

  it('creates, reads, updates and deletes a memory', async () => {
    const created = await remember(alice, {
      kind: 'preference',
      content: '  Prefers green tea in the morning ',
      tags: ['Drinks', 'morning', 'drinks'],
      source: 'chat',
    });
    expect(created).toMatchObject({
      kind: 'preference',
      content: 'Prefers green tea in the morning',
      tags: ['drinks', 'morning'],
      source: 'chat',
      pinned: false,
      embeddingModel: 'hash:v1-512',
    });
    const read = await as(alice).get<MemoryDto>(`/api/memory/memories/${created.id}`);
    expect(read.body).toEqual(created);
    const updated = await as(alice).patch<MemoryDto>(`/api/memory/memories/${created.id}`, {
      pinned: true,
      content: 'Prefers black coffee in the morning',
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      pinned: true,
      content: 'Prefers black coffee in the morning',
      kind: 'preference',
    });
    const found = await search(alice, { query: 'black coffee', k: 1, minScore: 0.1 });
    expect(found.body.items[0]?.memory.id).toBe(created.id);
    const stale = await search(alice, { query: 'green tea', k: 5, minScore: 0.3 });
    expect(stale.body.items.map((i) => i.memory.id)).not.toContain(created.id);
    expect((await as(alice).del(`/api/memory/memories/${created.id}`)).status).toBe(204);
    expect((await as(alice).get(`/api/memory/memories/${created.id}`)).status).toBe(404);
    expect((await as(alice).del(`/api/memory/memories/${created.id}`)).status).toBe(404);
    const gone = await search(alice, { query: 'black coffee', k: 5, minScore: 0.1 });
    expect(gone.body.items.map((i) => i.memory.id)).not.toContain(created.id);
  });

  it('pages newest first with a keyset cursor and filters by kind, tag and pinned', async () => {
    const user = await signUp(api);
    const made: MemoryDto[] = [];
    for (let i = 0; i < 7; i++) {
      made.push(
        await remember(user, {
          kind: i % 2 === 0 ? 'fact' : 'note',
          content: `item number ${i}`,
          tags: i % 3 === 0 ? ['three'] : [],
          pinned: i === 4,
        }),
      );
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page: { status: number; body: Page } = await as(user).get<Page>(
        `/api/memory/memories?limit=3${q}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((m) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made.map((m) => m.id).reverse());
    const notes = await as(user).get<Page>('/api/memory/memories?kind=note');
    expect(notes.body.items.map((m) => m.content)).toEqual([
      'item number 5',
      'item number 3',
      'item number 1',
    ]);
    const tagged = await as(user).get<Page>('/api/memory/memories?tag=three');
    expect(tagged.body.items.map((m) => m.content)).toEqual([
      'item number 6',
      'item number 3',
      'item number 0',
    ]);
    const pinned = await as(user).get<Page>('/api/memory/memories?pinned=true');
    expect(pinned.body.items.map((m) => m.content)).toEqual(['item number 4']);
    expect((await as(user).get('/api/memory/memories?cursor=bm9uc2Vuc2U')).status).toBe(400);
  });

  it('finds the most similar memories first, honours k, the threshold and kinds', async () => {
    const user = await signUp(api);
    const pizza = await remember(user, {
      content: 'My favourite food is pizza with extra cheese',
      kind: 'preference',
    });
    const dog = await remember(user, { content: 'I have a dog called Rex who loves long walks' });
    const meeting = await remember(user, {
      content: 'The weekly team meeting is on Tuesday at ten',
      kind: 'context',
    });
    await remember(user, { content: 'Pizza night with friends is every Friday', kind: 'note' });

    const res = await search(user, { query: 'what food do I like? pizza', k: 2, minScore: 0 });
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('hash:v1-512');
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]?.memory.id).toBe(pizza.id);
    expect(res.body.items[0]!.score).toBeGreaterThan(res.body.items[1]!.score);

    const dogs = await search(user, { query: 'walks with my dog Rex', k: 1, minScore: 0.2 });
    expect(dogs.body.items.map((i) => i.memory.id)).toEqual([dog.id]);
    const meetings = await search(user, { query: 'team meeting Tuesday', k: 5, minScore: 0.3 });
    expect(meetings.body.items.map((i) => i.memory.id)).toEqual([meeting.id]);

    const strict = await search(user, { query: 'quantum chromodynamics lattice', k: 5, minScore: 0.5 });
    expect(strict.body.items).toEqual([]);
    const all = await search(user, { query: 'pizza', k: 50, minScore: -1 });
    expect(all.body.items).toHaveLength(4);
    const scores = all.body.items.map((i) => i.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const onlyNotes = await search(user, { query: 'pizza', k: 5, minScore: 0, kinds: ['note'] });
    expect(onlyNotes.body.items.map((i) => i.memory.kind)).toEqual(['note']);
  });

  it('rejects k and minScore out of bounds and unknown fields (400)', async () => {
    for (const body of [
      { query: 'x', k: 0 },
      { query: 'x', k: 51 },
      { query: 'x', k: 2.5 },
      { query: 'x', minScore: 1.5 },
      { query: '' },
      { query: 'x'.repeat(1001) },
      { query: 'x', kinds: ['secret'] },
      { query: 'x', userId: bob.userId },
    ]) {
      const res = await search(alice, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    for (const body of [
      { content: '' },
      { content: 'x'.repeat(4001) },
      { content: 'ok', kind: 'secret' },
      { content: 'ok', userId: bob.userId },
      { content: 'ok', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      { content: 'ok', tags: ['has space'] },
      { content: 'ok', pinned: 'yes' },
    ]) {
      const res = await as(alice).post('/api/memory/memories', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const m = await remember(alice, { content: 'valid' });
    expect((await as(alice).patch(`/api/memory/memories/${m.id}`, {})).status).toBe(400);
    expect((await as(alice).patch(`/api/memory/memories/${m.id}`, { id: 'x' })).status).toBe(400);
    expect((await as(alice).get('/api/memory/memories?limit=101')).status).toBe(400);
    expect((await as(alice).get('/api/memory/memories?owner=someone')).status).toBe(400);
    expect((await as(alice).get('/api/memory/memories/not-a-uuid')).status).toBe(400);
    expect((await api.call('GET', '/api/memory/memories')).status).toBe(401);
  });

  it("answers 404 for another user's memory everywhere, including search", async () => {
    const secret = await remember(bob, {
      content: 'Bob’s bank PIN hint is the name of his first cat Whiskers',
    });
    const path = `/api/memory/memories/${secret.id}`;
    expect((await as(alice).get(path)).status).toBe(404);
    expect((await as(alice).patch(path, { content: 'stolen' })).status).toBe(404);
    expect((await as(alice).del(path)).status).toBe(404);
    const list = await as(alice).get<Page>('/api/memory/memories?limit=100');
    expect(list.body.items.map((m) => m.id)).not.toContain(secret.id);
    const found = await search(alice, { query: 'bank PIN hint first cat Whiskers', k: 50, minScore: -1 });
    expect(found.body.items.map((i) => i.memory.id)).not.toContain(secret.id);
    // Still Bob's, unchanged.
    const own = await as(bob).get<MemoryDto>(path);
    expect(own.body.content).toBe(secret.content);
    const bobs = await search(bob, { query: 'bank PIN hint first cat Whiskers', k: 1, minScore: 0.5 });
    expect(bobs.body.items.map((i) => i.memory.id)).toEqual([secret.id]);
  });

  it('logs memory.created, memory.updated and memory.deleted as live user events', async () => {
    const user = await signUp(api);
    const m = await remember(user, { content: 'live event check' });
    await as(user).patch(`/api/memory/memories/${m.id}`, { pinned: true });
    await as(user).del(`/api/memory/memories/${m.id}`);
    const entries = await platform.deps.cache.readRange(userEventLog(user.userId), '0', 100);
    const events = entries.map((e) => userEventFromEntry(user.userId, e));
    expect(events.map((e) => e.type)).toEqual(['memory.created', 'memory.updated', 'memory.deleted']);
    expect(events[0]?.data).toEqual(m);
    expect(events[1]?.data).toMatchObject({ id: m.id, pinned: true });
    expect(events[2]?.data).toEqual({ id: m.id });
    const others = await platform.deps.cache.readRange(userEventLog(bob.userId), '0', 100);
    expect(others.map((e) => e.fields.data)).not.toContain(JSON.stringify(m));
  });

  it('pushes memory events to the user’s /ws connection through the gateway', async () => {
    const user = await signUp(api);
    const ws = new WebSocket(`${platform.url.replace('http', 'ws')}/ws`, {
      headers: { authorization: `Bearer ${user.token}` },
    });
    const messages: Array<{ type: string; data: Record<string, unknown> }> = [];
    const waitFor = (type: string) =>
      new Promise<{ type: string; data: Record<string, unknown> }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} event`)), 5000);
        const check = () => {
          const found = messages.find((m) => m.type === type);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else setTimeout(check, 10);
        };
        check();
      });
    ws.on('message', (data) => messages.push(JSON.parse(String(data))));
    try {
      await waitFor('hello');
      const m = await remember(user, { content: 'pushed over the socket' });
      expect((await waitFor('memory.created')).data).toEqual(m);
      await as(user).del(`/api/memory/memories/${m.id}`);
      expect((await waitFor('memory.deleted')).data).toEqual({ id: m.id });
    } finally {
      ws.close();
    }
  });
});
