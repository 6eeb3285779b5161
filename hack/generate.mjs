// Generates the Prisma client of every service that has a schema (services/*/prisma/schema.prisma).
// Offline: PRISMA_SCHEMA_ENGINE_BINARY points at an existing file (set by the Makefile).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, 'package.json');
const servicesDir = path.join(root, 'services');
for (const name of readdirSync(servicesDir)) {
  const schema = path.join(servicesDir, name, 'prisma', 'schema.prisma');
  if (!existsSync(schema)) continue;
  const output = path.join(servicesDir, name, 'src', 'generated', 'prisma');
  const marker = path.join(output, 'client.ts');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) continue;
  execFileSync(path.join(root, 'node_modules', '.bin', 'prisma'), ['generate', '--schema', schema], {
    cwd: path.join(servicesDir, name),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  console.log(`generated Prisma client for ${name}`);
}
