// The Ed25519 key that signs access tokens. From JWT_PRIVATE_KEY_FILE when configured (on
// Kubernetes the operator mounts a Secret), otherwise generated on first start and kept in the
// data dir (mode 0600). The key id is the RFC 7638 thumbprint of the public key.
import { generateKeyPairSync } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, importJWK, importPKCS8, type JWK } from 'jose';

type Key = Awaited<ReturnType<typeof importPKCS8>>;

export interface SigningKey {
  kid: string;
  privateKey: Key;
  publicKey: Key;
  publicJwk: JWK;
}

async function readOrCreatePem(file: string, create: boolean): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if (!create || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  await chmod(file, 0o600);
  return readFile(file, 'utf8');
}

export async function loadSigningKey(options: {
  privateKeyFile?: string;
  dataDir: string;
}): Promise<SigningKey> {
  const file = options.privateKeyFile ?? path.join(options.dataDir, 'jwt', 'private.pem');
  const pem = await readOrCreatePem(file, options.privateKeyFile === undefined);
  const privateKey = await importPKCS8(pem, 'EdDSA', { extractable: true });
  const { d: _private, ...publicJwk } = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const publicKey = (await importJWK({ ...publicJwk, alg: 'EdDSA' }, 'EdDSA')) as Key;
  return { kid, privateKey, publicKey, publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } };
}
