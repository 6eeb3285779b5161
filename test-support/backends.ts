// Finds the real PostgreSQL and Redis the integration tests use. With
// ELWOSA_REQUIRE_REAL_BACKENDS=1 (CI) a missing backend fails the run instead of
// silently falling back to the embedded ones.
import net from 'node:net';

export const TEST_PG_URL = process.env.ELWOSA_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.ELWOSA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/**
 * Redis settings of the buses tests create. Services under test share the test file's event loop
 * on a machine that runs other test files at the same time: a stall past the production 1 s
 * command timeout would fail a call with "redis unavailable" (seen in CI). Fault tests set their
 * own, short timeouts; cutting a connection fails at once whatever the timeout.
 */
export const TEST_REDIS_OPTIONS = { commandTimeoutMs: 3000 } as const;

const DEFAULT_PORTS: Record<string, number> = {
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
};

/** True when something accepts TCP connections at the URL's host and port within a second. */
export function reachable(url: string): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port || DEFAULT_PORTS[protocol] || 80) });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function checkBackends(): Promise<void> {
  const [pg, redis] = await Promise.all([reachable(TEST_PG_URL), reachable(TEST_REDIS_URL)]);
  process.env.ELWOSA_TEST_HAVE_PG = pg ? '1' : '0';
  process.env.ELWOSA_TEST_HAVE_REDIS = redis ? '1' : '0';
  if (process.env.ELWOSA_REQUIRE_REAL_BACKENDS === '1' && !(pg && redis)) {
    throw new Error(
      `ELWOSA_REQUIRE_REAL_BACKENDS=1 but ${[!pg && `PostgreSQL (${TEST_PG_URL})`, !redis && `Redis (${TEST_REDIS_URL})`].filter(Boolean).join(' and ')} unreachable`,
    );
  }
}

export const haveRealPg = (): boolean => process.env.ELWOSA_TEST_HAVE_PG === '1';
export const haveRealRedis = (): boolean => process.env.ELWOSA_TEST_HAVE_REDIS === '1';
