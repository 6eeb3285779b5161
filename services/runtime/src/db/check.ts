// Readiness probe of the database: `SELECT 1` through the service's own pool, bounded in time.
import type pg from 'pg';
import { DatabaseUnavailableError } from './errors.js';

export const DEFAULT_CHECK_TIMEOUT_MILLIS = 1_500;

/** Resolves when the database answers within `timeoutMillis`; throws DatabaseUnavailableError otherwise. */
export async function checkDatabase(
  pool: Pick<pg.Pool, 'query'>,
  timeoutMillis = DEFAULT_CHECK_TIMEOUT_MILLIS,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const query = pool.query('SELECT 1');
  // The query may still settle after the timeout; its outcome no longer matters.
  query.catch(() => {});
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new DatabaseUnavailableError(`database did not answer within ${timeoutMillis} ms`)),
      timeoutMillis,
    );
  });
  try {
    await Promise.race([query, timeout]);
  } catch (err) {
    if (err instanceof DatabaseUnavailableError) throw err;
    throw new DatabaseUnavailableError(`database unavailable: ${(err as Error).message}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }
}
