// Shared by the AI benchmarks: role processes, a JWKS endpoint and signed access tokens for the
// bridge, Redis detection, percentiles.
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';

import { benchTokens, reachable } from '../lib.mjs';

export { reachable };

const rolesScript = new URL('./roles.mjs', import.meta.url).pathname;

export function spawnRole(role, env = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(rolesScript, [role], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', process.env.BENCH_LOGS ? 'inherit' : 'ignore', 'ipc'],
    });
    child.once('message', (m) => resolve({ child, port: m.port, url: `http://127.0.0.1:${m.port}` }));
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
  });
}

export function ask(child, message, key) {
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && key in m) {
        child.off('message', on);
        resolve(m[key]);
      }
    };
    child.on('message', on);
    child.send(message);
  });
}

export async function stopAll(roles) {
  await Promise.all(
    roles.map(
      ({ child }) =>
        new Promise((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
}

/** A JWKS server and a signer of access tokens the bridge accepts; `users` have live sessions. */
export async function tokenKit(userCount = 1) {
  const { jwk, users, tokens } = await benchTokens(userCount);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    jwksUrl: `http://127.0.0.1:${server.address().port}/jwks`,
    users,
    tokens,
    close: () => new Promise((r) => server.close(r)),
  };
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (x, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Polls until the bridge lists `model` (its first replica probe is done). */
export async function waitForModel(bridgeUrl, token, model, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${bridgeUrl}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
      if (res.ok && (await res.json()).data.some((m) => m.id === model)) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`the bridge never listed ${model}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function bridgeSetup(upstreamEnv = {}, userCount = 1) {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const useRedis = await reachable(redisUrl);
  const kit = await tokenKit(userCount);
  const upstream = await spawnRole('upstream', upstreamEnv);
  const bridge = await spawnRole('bridge', {
    OLLAMA_URLS: upstream.url,
    JWT_JWKS_URL: kit.jwksUrl,
    BENCH_USERS: JSON.stringify(kit.users),
    BENCH_PREFIX: `bench-ai-${randomUUID()}:`,
    ...(useRedis ? { BENCH_REDIS_URL: redisUrl } : {}),
  });
  await waitForModel(bridge.url, kit.tokens[0], 'llama3.2:latest');
  return {
    upstream,
    bridge,
    kit,
    cache: useRedis ? 'redis' : 'in-process',
    async stop() {
      await stopAll([bridge, upstream]);
      await kit.close();
    },
  };
}
