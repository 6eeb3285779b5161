/** The slice of a pino logger the persistence layer logs through (a pino Logger satisfies it). */
export interface DbLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: DbLogger = { info() {}, warn() {}, error() {} };
