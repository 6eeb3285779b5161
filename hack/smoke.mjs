// Smoke test through the gateway of a running stack: register, sign in, create and list a task,
// then ask the default model a question and wait for the complete answer.
// usage: node hack/smoke.mjs <gateway URL> [--no-chat]
// SMOKE_CHAT_TIMEOUT_SECONDS (default 600): how long the answer may take (a CPU model is slow).
const [base, ...flags] = process.argv.slice(2);
if (!base) {
  console.error('usage: node hack/smoke.mjs <gateway URL> [--no-chat]');
  process.exit(2);
}
const chat = !flags.includes('--no-chat');
const chatTimeoutMs = Number(process.env.SMOKE_CHAT_TIMEOUT_SECONDS ?? 600) * 1000;

async function call(method, path, { body, token, expect } = {}) {
  const res = await fetch(new URL(path, base), {
    method,
    headers: {
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (expect && !expect.includes(res.status))
    throw new Error(
      `${method} ${path}: HTTP ${res.status} (expected ${expect.join(' or ')}): ${text.slice(0, 500)}`,
    );
  return text ? JSON.parse(text) : undefined;
}

function step(message) {
  process.stdout.write(`smoke: ${message}\n`);
}

const email = `smoke-${Date.now().toString(36)}@example.com`;
const password = 'smoke test password 1';

await call('GET', '/readyz', { expect: [200] });
await call('POST', '/api/auth/register', {
  body: { email, password, name: 'Smoke Test' },
  expect: [200, 201, 202],
});
const login = await call('POST', '/api/auth/login', { body: { email, password }, expect: [200] });
const token = login.accessToken;
if (!token) throw new Error('sign-in returned no access token');
step(`registered and signed in as ${email}`);

const task = await call('POST', '/api/tasks', { body: { title: 'Smoke test task' }, token, expect: [201] });
const page = await call('GET', '/api/tasks', { token, expect: [200] });
if (!page.items.some((t) => t.id === task.id)) throw new Error(`task ${task.id} is not listed`);
step(`created and listed task ${task.id}`);

if (chat) {
  const conversation = await call('POST', '/api/chat/conversations', {
    body: { title: 'Smoke' },
    token,
    expect: [201],
  });
  const turn = await call('POST', `/api/chat/conversations/${conversation.id}/messages`, {
    body: { content: 'Reply with one short sentence: what is Kubernetes?' },
    token,
    expect: [202],
  });
  step(`asked a question in conversation ${conversation.id}; waiting for the answer`);
  const deadline = Date.now() + chatTimeoutMs;
  for (;;) {
    const { conversation: now, messages } = await call('GET', `/api/chat/conversations/${conversation.id}`, {
      token,
      expect: [200],
    });
    // A turn may store several messages (tool calls, then the answer): read the last one once
    // the conversation stops generating.
    const last = messages.at(-1);
    if (!now.generating && last?.role === 'assistant' && last.id !== turn.userMessageId) {
      if (last.status !== 'complete' || !last.content?.trim())
        throw new Error(`the answer ended with status ${last.status}: ${last.error ?? last.content}`);
      step(`answer (${last.model}): ${last.content.trim().slice(0, 200)}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`no complete answer within ${chatTimeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}
step('passed');
