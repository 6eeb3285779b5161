// The platform's environment contract (ARCHITECTURE.md §3): exactly these variables, secrets
// only through secretKeyRef or mounted files.
import type { V1EnvVar } from '@kubernetes/client-node';
import type { EnvVarSpec, SecretKeyRef } from '../api/elwosastack.js';
import { TARGET_PORTS, TARGETS, type Target, targetEnvName } from '../api/targets.js';
import type { StackContext } from './context.js';
import { databaseUrlRef } from './database.js';
import { names } from './names.js';
import { ollamaUrls } from './ollama.js';
import { redisUrlRef } from './redis.js';

export const JWT_MOUNT_DIR = '/var/run/secrets/elwosa/jwt';
export const JWT_KEY = 'private.pem';

const value = (name: string, v: string): V1EnvVar => ({ name, value: v });
const fromSecret = (name: string, ref: SecretKeyRef): V1EnvVar => ({
  name,
  valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } },
});

export function serviceUrl(ctx: StackContext, target: Target): string {
  return `http://${names.target(ctx.name, target)}:${TARGET_PORTS[target]}`;
}

export function enabledTargets(ctx: StackContext): Target[] {
  return TARGETS.filter((t) => ctx.spec.services[t].enabled);
}

function extraEnv(list: readonly EnvVarSpec[] | undefined): V1EnvVar[] {
  return (list ?? []).map((e) => ({
    name: e.name,
    ...(e.value !== undefined ? { value: e.value } : {}),
    ...(e.valueFrom ? { valueFrom: e.valueFrom } : {}),
  }));
}

/** Environment shared by every platform process (services and the migrations Job). */
export function commonEnv(ctx: StackContext): V1EnvVar[] {
  const { config } = ctx.spec;
  const env = [
    fromSecret('DATABASE_URL', databaseUrlRef(ctx)),
    fromSecret('REDIS_URL', redisUrlRef(ctx)),
    value('LOG_LEVEL', config.logLevel),
  ];
  if (config.otelEndpoint) env.push(value('OTEL_EXPORTER_OTLP_ENDPOINT', config.otelEndpoint));
  return env;
}

export function targetEnv(ctx: StackContext, target: Target): V1EnvVar[] {
  const { ai, auth, config } = ctx.spec;
  const env: V1EnvVar[] = [value('ELWOSA_TARGET', target), ...commonEnv(ctx)];
  // The migrations Job applies the schema before services roll (ordered bring-up).
  env.push(value('ELWOSA_MIGRATE_ON_START', 'false'));
  env.push(
    target === 'auth'
      ? value('JWT_PRIVATE_KEY_FILE', `${JWT_MOUNT_DIR}/${JWT_KEY}`)
      : value('JWT_JWKS_URL', `${serviceUrl(ctx, 'auth')}/.well-known/jwks.json`),
  );
  env.push(
    value('ELWOSA_DEFAULT_MODEL', ai.defaultModel),
    value('ELWOSA_EMBEDDING_MODEL', ai.embeddingModel),
  );
  if (target === 'ai-bridge') {
    const urls = ollamaUrls(ctx);
    if (urls.length > 0) env.push(value('OLLAMA_URLS', urls.join(',')));
    if (ai.openai?.secretRef) env.push(fromSecret('OPENAI_API_KEY', ai.openai.secretRef));
    if (ai.openai?.baseURL) env.push(value('OPENAI_BASE_URL', ai.openai.baseURL));
  }
  if (target === 'notifications' && config.smtp?.secretRef)
    env.push(fromSecret('SMTP_URL', config.smtp.secretRef));
  if (target === 'auth') {
    if (config.adminEmail) env.push(value('ELWOSA_ADMIN_EMAIL', config.adminEmail));
    env.push(
      value('ELWOSA_ACCESS_TOKEN_TTL', String(auth.accessTokenTTLSeconds)),
      value('ELWOSA_REFRESH_TOKEN_TTL', String(auth.refreshTokenTTLSeconds)),
    );
  }
  if (target === 'gateway') {
    env.push(value('ELWOSA_RATE_LIMIT_PER_MINUTE', String(auth.rateLimitPerMinute)));
    if (config.corsOrigins && config.corsOrigins.length > 0)
      env.push(value('ELWOSA_CORS_ORIGINS', config.corsOrigins.join(',')));
  }
  for (const upstream of enabledTargets(ctx)) {
    if (upstream !== target)
      env.push(value(`ELWOSA_SERVICE_${targetEnvName(upstream)}_URL`, serviceUrl(ctx, upstream)));
  }
  return mergeEnv(env, [...extraEnv(config.env), ...extraEnv(ctx.spec.services[target].env)]);
}

/** Later entries replace earlier ones with the same name, keeping the first position. */
export function mergeEnv(base: V1EnvVar[], overrides: V1EnvVar[]): V1EnvVar[] {
  const out = new Map<string, V1EnvVar>();
  for (const e of [...base, ...overrides]) out.set(e.name, e);
  return [...out.values()];
}
