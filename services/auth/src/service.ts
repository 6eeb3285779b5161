// Starts the auth service (target `auth`).
import { fileURLToPath } from 'node:url';
import {
  createDatabaseService,
  type ErrorMapper,
  type PlatformDeps,
  parseConfig,
  problems,
  type RunningService,
  type ServiceSchema,
  workerInstanceId,
} from '@elwosa/runtime';
import { createLocalJWKSet } from 'jose';
import { authEnvSchema, lockoutPolicies } from './config.js';
import { QueueFullError } from './crypto/concurrency-limit.js';
import { createPasswordHasher } from './crypto/passwords.js';
import { loadSigningKey } from './crypto/signing-keys.js';
import { createTokenMinter } from './crypto/tokens.js';
import { createAuditedChanges } from './domain/audited-changes.js';
import { Lockouts } from './domain/brute-force.js';
import type { AuthContext } from './domain/context.js';
import { SessionLiveness } from './domain/session-liveness.js';
import { PrismaClient } from './generated/prisma/client.js';
import { bindAuthRoutes } from './http/routes.js';
import { createAuthMetrics } from './metrics.js';
import { startAuthSchedules } from './schedules.js';

export const AUTH_SCHEMA = 'auth';
export const authMigrationsDir = fileURLToPath(new URL('../prisma/migrations', import.meta.url));
/** The service's schema, migrations and Prisma client: what the host and the tests migrate and open. */
export const authDatabase: ServiceSchema<PrismaClient> = {
  schema: AUTH_SCHEMA,
  migrationsDir: authMigrationsDir,
  Client: PrismaClient,
};

/** A full hashing queue means overload: 503 so clients back off and retry. */
const mapHashingOverload: ErrorMapper = (err) =>
  err instanceof QueueFullError ? problems.unavailable('the server is busy; retry shortly', 2) : undefined;

export async function startAuth(deps: PlatformDeps): Promise<RunningService> {
  const authEnv = parseConfig(authEnvSchema, deps.env);
  const key = await loadSigningKey({
    privateKeyFile: deps.config.jwt.privateKeyFile,
    dataDir: deps.config.dataDir,
  });
  const { host, db } = await createDatabaseService({
    target: 'auth',
    deps,
    errorMappers: [mapHashingOverload],
    // The auth service verifies its own tokens with its own key: no JWKS round trip.
    tokenKeys: createLocalJWKSet({ keys: [key.publicJwk] }),
    database: authDatabase,
  });
  const metrics = createAuthMetrics(host.metrics.registry);
  const ctx: AuthContext = {
    db: db.client,
    cache: deps.cache,
    hasher: await createPasswordHasher(authEnv.ELWOSA_ARGON2_CONCURRENCY),
    minter: createTokenMinter(key, {
      issuer: deps.config.jwt.issuer,
      audience: deps.config.jwt.audience,
      accessTtlSeconds: deps.config.jwt.accessTtlSeconds,
    }),
    liveness: new SessionLiveness(deps.cache),
    lockouts: new Lockouts(deps.cache),
    audit: createAuditedChanges({
      db: db.client,
      cache: deps.cache,
      logger: host.logger,
      onDeferred: () => metrics.securityEventsDeferred.inc(),
    }),
    settings: {
      accessTtlSeconds: deps.config.jwt.accessTtlSeconds,
      refreshTtlSeconds: deps.config.jwt.refreshTtlSeconds,
      sessionMaxAgeSeconds: authEnv.ELWOSA_SESSION_MAX_AGE,
      adminEmail: deps.config.adminEmail,
      lockouts: lockoutPolicies(authEnv),
      refreshReuseGraceMs: authEnv.ELWOSA_REFRESH_REUSE_GRACE_MS,
    },
    logger: host.logger,
  };
  bindAuthRoutes(host.router, host.binder, ctx, key);
  const schedules = startAuthSchedules({
    db: db.client,
    cache: deps.cache,
    liveness: ctx.liveness,
    logger: host.logger,
    metrics,
    instanceId: workerInstanceId(),
    relayIntervalMs: authEnv.ELWOSA_AUTH_EVENT_RELAY_INTERVAL_MS,
  });
  // Stopped before the pool closes: a running relay finishes its batch first.
  deps.lifecycle.on('stop', () => Promise.all(schedules.map((s) => s.stop())).then(() => undefined));
  return host.start();
}
