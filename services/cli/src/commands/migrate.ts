// `elwosa migrate`: applies every service's migrations (the operator's migration Job runs this).
import { runMigrations } from '@elwosa/runtime';
import { createPlatform, loadPlatformConfig } from '../platform.js';
import { allMigrations } from '../service-registry.js';

export async function migrateCommand(): Promise<void> {
  const config = loadPlatformConfig([]);
  const { deps, logger } = await createPlatform(config, true);
  try {
    for (const set of allMigrations()) {
      const result = await runMigrations({
        connectionString: deps.databaseUrl,
        schema: set.schema,
        migrationsDir: set.dir,
        logger,
      });
      logger.info(
        { schema: set.schema, applied: result.applied, alreadyApplied: result.alreadyApplied },
        'migrated',
      );
    }
  } finally {
    await deps.lifecycle.shutdown('migrations done');
  }
}
