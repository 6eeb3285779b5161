// Everything the auth use cases share.
import type { CacheBus, Logger } from '@elwosa/runtime';
import type { LockoutPolicies } from '../config.js';
import type { PasswordHasher } from '../crypto/passwords.js';
import type { TokenMinter } from '../crypto/tokens.js';
import type { AuthDb } from '../store/db.js';
import type { AuditedChanges } from './audited-changes.js';
import type { Lockouts } from './brute-force.js';
import type { SessionLiveness } from './session-liveness.js';

export interface AuthSettings {
  accessTtlSeconds: number;
  refreshTtlSeconds: number;
  /** Absolute maximum age of a session, however often it is refreshed. */
  sessionMaxAgeSeconds: number;
  adminEmail: string | undefined;
  lockouts: LockoutPolicies;
  refreshReuseGraceMs: number;
}

export interface AuthContext {
  db: AuthDb;
  cache: CacheBus;
  hasher: PasswordHasher;
  minter: TokenMinter;
  liveness: SessionLiveness;
  lockouts: Lockouts;
  /** Changes committed with their audit entry and security event. */
  audit: AuditedChanges;
  settings: AuthSettings;
  logger: Logger;
}

/** Where a request came from, for sessions and the audit log. */
export interface ClientInfo {
  ip: string;
  userAgent: string;
  requestId: string;
}
