// The platform-wide environment contract (ARCHITECTURE.md §3). Every service reads this one
// schema; the operator sets exactly these variables. docs/configuration.md lists them.
import path from 'node:path';
import { z } from 'zod';
import { env } from './load-config.js';
import { DEFAULT_PORTS, TARGETS, type Target, targetEnvName } from './targets.js';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === '' ? undefined : v));

const redisUrl = z.url({ protocol: /^rediss?$/, message: 'must be a redis:// or rediss:// URL' });
const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, message: 'must be a postgres:// URL' });

const baseSchema = z.object({
  DATABASE_URL: postgresUrl.optional(),
  REDIS_URL: redisUrl.optional(),
  ELWOSA_DATA_DIR: z.string().min(1).default('./.elwosa'),
  LOG_LEVEL: env.logLevel().default('info'),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url().optional(),
  JWT_PRIVATE_KEY_FILE: optionalString,
  JWT_JWKS_URL: env.url().optional(),
  ELWOSA_JWT_ISSUER: z.string().min(1).default('elwosa'),
  ELWOSA_JWT_AUDIENCE: z.string().min(1).default('elwosa'),
  ELWOSA_ADMIN_EMAIL: z.email().optional(),
  ELWOSA_CORS_ORIGINS: env.list().default([]),
  ELWOSA_ACCESS_TOKEN_TTL: env.positiveInt().max(86_400).default(900),
  ELWOSA_REFRESH_TOKEN_TTL: env
    .positiveInt()
    .max(90 * 86_400)
    .default(7 * 86_400),
  ELWOSA_RATE_LIMIT_PER_MINUTE: env.positiveInt().max(1_000_000).default(100),
  ELWOSA_DB_POOL_SIZE: env.positiveInt().max(200).default(10),
  ELWOSA_DB_CONNECT_TIMEOUT_MS: env.positiveInt().default(5000),
  ELWOSA_SHUTDOWN_GRACE_MS: env.positiveInt().default(10_000),
  ELWOSA_TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  PORT: env.port().optional(),
});

/** Per-target overrides: ELWOSA_SERVICE_<TARGET>_URL (upstream base URL), ELWOSA_PORT_<TARGET>. */
const perTargetSchema = z.object(
  Object.fromEntries(
    TARGETS.flatMap((t) => [
      [`ELWOSA_SERVICE_${targetEnvName(t)}_URL`, env.url().optional()],
      [`ELWOSA_PORT_${targetEnvName(t)}`, env.port().optional()],
    ]),
  ),
);

export const platformEnvSchema = z.intersection(baseSchema, perTargetSchema);

export interface PlatformConfig {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dataDir: string;
  logLevel: z.output<ReturnType<typeof env.logLevel>>;
  otelEndpoint: string | undefined;
  jwt: {
    privateKeyFile: string | undefined;
    jwksUrl: string | undefined;
    issuer: string;
    audience: string;
    accessTtlSeconds: number;
    refreshTtlSeconds: number;
  };
  adminEmail: string | undefined;
  corsOrigins: string[];
  rateLimitPerMinute: number;
  db: { poolSize: number; connectionTimeoutMillis: number };
  shutdownGraceMs: number;
  trustProxyHops: number;
  /** Port each target listens on in this process. */
  ports: Record<Target, number>;
  /** Base URL of each target, for inter-service calls. */
  serviceUrls: Record<Target, string>;
}

/** Builds the typed config from a validated env; `singleTarget` lets PORT override that target's port. */
export function toPlatformConfig(
  raw: z.output<typeof platformEnvSchema>,
  singleTarget?: Target,
): PlatformConfig {
  const vars: Record<string, unknown> = raw;
  const ports = {} as Record<Target, number>;
  const serviceUrls = {} as Record<Target, string>;
  for (const t of TARGETS) {
    const override = vars[`ELWOSA_PORT_${targetEnvName(t)}`] as number | undefined;
    ports[t] = override ?? (singleTarget === t && raw.PORT ? raw.PORT : DEFAULT_PORTS[t]);
  }
  for (const t of TARGETS) {
    const url = vars[`ELWOSA_SERVICE_${targetEnvName(t)}_URL`] as string | undefined;
    serviceUrls[t] = (url ?? `http://127.0.0.1:${ports[t]}`).replace(/\/+$/, '');
  }
  return {
    databaseUrl: raw.DATABASE_URL,
    redisUrl: raw.REDIS_URL,
    dataDir: path.resolve(raw.ELWOSA_DATA_DIR),
    logLevel: raw.LOG_LEVEL,
    otelEndpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT,
    jwt: {
      privateKeyFile: raw.JWT_PRIVATE_KEY_FILE,
      jwksUrl: raw.JWT_JWKS_URL,
      issuer: raw.ELWOSA_JWT_ISSUER,
      audience: raw.ELWOSA_JWT_AUDIENCE,
      accessTtlSeconds: raw.ELWOSA_ACCESS_TOKEN_TTL,
      refreshTtlSeconds: raw.ELWOSA_REFRESH_TOKEN_TTL,
    },
    adminEmail: raw.ELWOSA_ADMIN_EMAIL,
    corsOrigins: raw.ELWOSA_CORS_ORIGINS,
    rateLimitPerMinute: raw.ELWOSA_RATE_LIMIT_PER_MINUTE,
    db: { poolSize: raw.ELWOSA_DB_POOL_SIZE, connectionTimeoutMillis: raw.ELWOSA_DB_CONNECT_TIMEOUT_MS },
    shutdownGraceMs: raw.ELWOSA_SHUTDOWN_GRACE_MS,
    trustProxyHops: raw.ELWOSA_TRUST_PROXY,
    ports,
    serviceUrls,
  };
}
