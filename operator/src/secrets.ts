// Fresh material for the generated Secrets (used only when those Secrets do not exist yet).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { GeneratedSecrets } from './specs/context.js';

export function generateSecrets(): GeneratedSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    postgresPassword: randomBytes(24).toString('hex'),
    redisPassword: randomBytes(24).toString('hex'),
    jwtPrivateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}
