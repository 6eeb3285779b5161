// The databases the persistence integration tests run against: the real PostgreSQL when it is
// reachable (CI requires it) and the embedded one always.
import { haveRealPg } from '../../../../test-support/backends.js';
import {
  createEmbeddedTestDatabase,
  createTestDatabase,
  type TestDatabase,
} from '../../../../test-support/db.js';

export type BackendKind = 'real' | 'embedded';

export const backendKinds = (): BackendKind[] => (haveRealPg() ? ['real', 'embedded'] : ['embedded']);

export const createDatabase = (kind: BackendKind): Promise<TestDatabase> =>
  kind === 'real' ? createTestDatabase() : createEmbeddedTestDatabase();
