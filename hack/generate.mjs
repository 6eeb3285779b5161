// Generates the Prisma client of every service that has a schema (services/*/prisma/schema.prisma)
// and of the test fixtures (services/*/test/fixtures/prisma/schema.prisma).
// Offline: PRISMA_SCHEMA_ENGINE_BINARY points at an existing file (set by the Makefile).
// Prisma 7 needs no prisma.config.ts for `generate`: the schema has no datasource url (the
// connection is given to the driver adapter at run time) and the output path is in the schema.
// A client is regenerated when its schema is newer than the generated client.ts.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.join(root, 'package.json');
process.env.PRISMA_HIDE_UPDATE_MESSAGE ??= '1';
const servicesDir = path.join(root, 'services');
const prisma = path.join(root, 'node_modules', '.bin', 'prisma');
const force = process.argv.includes('--force');

const schemas = readdirSync(servicesDir).flatMap((name) =>
  [
    path.join(servicesDir, name, 'prisma', 'schema.prisma'),
    path.join(servicesDir, name, 'test', 'fixtures', 'prisma', 'schema.prisma'),
  ].filter((file) => existsSync(file)),
);

for (const schema of schemas) {
  const source = readFileSync(schema, 'utf8');
  const output = source.match(/^\s*output\s*=\s*"([^"]+)"/m)?.[1];
  if (!output) throw new Error(`${path.relative(root, schema)}: the generator block needs an output path`);
  const marker = path.join(path.dirname(schema), output, 'client.ts');
  if (!force && existsSync(marker) && statSync(marker).mtimeMs >= statSync(schema).mtimeMs) continue;
  execFileSync(prisma, ['generate', '--schema', schema], {
    cwd: path.dirname(path.dirname(schema)),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  process.stdout.write(
    `generated Prisma client for ${path.relative(root, path.dirname(path.dirname(schema)))}\n`,
  );
}
