export type MigrationErrorCode = 'CHECKSUM_MISMATCH' | 'PREVIOUSLY_FAILED' | 'FAILED';

/** A migration problem that stops a service from starting; `migration` names the folder. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code: MigrationErrorCode;
  readonly migration: string;

  constructor(code: MigrationErrorCode, migration: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.migration = migration;
  }
}
