import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  parseConfig,
  parseTargets,
  platformEnvSchema,
  toPlatformConfig,
} from '../../src/index.js';

describe('platform config', () => {
  it('applies defaults', () => {
    const config = toPlatformConfig(parseConfig(platformEnvSchema, {}));
    expect(config.ports.gateway).toBe(8080);
    expect(config.ports.memory).toBe(8765);
    expect(config.serviceUrls['ai-bridge']).toBe('http://127.0.0.1:8084');
    expect(config.rateLimitPerMinute).toBe(100);
    expect(config.jwt.accessTtlSeconds).toBe(900);
    expect(config.databaseUrl).toBeUndefined();
  });

  it('names the bad variable', () => {
    expect(() => parseConfig(platformEnvSchema, { REDIS_URL: 'http://nope' })).toThrow(ConfigError);
    try {
      parseConfig(platformEnvSchema, { ELWOSA_DB_POOL_SIZE: '-3' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).variable).toBe('ELWOSA_DB_POOL_SIZE');
      expect((err as Error).message.split('\n')).toHaveLength(1);
    }
    expect(() => parseConfig(platformEnvSchema, { ELWOSA_SERVICE_AI_BRIDGE_URL: 'ftp://x' })).toThrow(
      /ELWOSA_SERVICE_AI_BRIDGE_URL/,
    );
  });

  it('uses per-target ports and upstream URLs; PORT only for a single target', () => {
    const raw = parseConfig(platformEnvSchema, {
      PORT: '9999',
      ELWOSA_PORT_TASKS: '7000',
      ELWOSA_SERVICE_AUTH_URL: 'http://auth.internal:8081/',
      ELWOSA_CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    const single = toPlatformConfig(raw, 'auth');
    expect(single.ports.auth).toBe(9999);
    expect(single.ports.tasks).toBe(7000);
    expect(single.serviceUrls.auth).toBe('http://auth.internal:8081');
    expect(single.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(toPlatformConfig(raw).ports.auth).toBe(8081);
  });

  it('parses target lists', () => {
    expect(parseTargets('all')).toHaveLength(8);
    expect(parseTargets('auth, gateway,auth')).toEqual(['auth', 'gateway']);
    expect(() => parseTargets('auth,bogus')).toThrow(/bogus/);
    expect(() => parseTargets(' , ')).toThrow();
  });
});
