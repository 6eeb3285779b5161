// Environment configuration: validated once at start. A bad or missing value stops the
// process with one line naming the variable and exit code 2.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`invalid configuration: ${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses `env` with `schema`; throws a ConfigError naming the first bad variable. */
export function parseConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const variable = issue?.path.map(String).join('.') || 'environment';
  throw new ConfigError(variable, issue?.message ?? 'invalid');
}

/** Like parseConfig, but prints the one-line error and exits with code 2 (for process entry points). */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  try {
    return parseConfig(schema, env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

/** Reusable environment field parsers. */
export const env = {
  port: () => z.coerce.number().int().min(1).max(65535),
  url: () => z.url({ protocol: /^https?$/ }),
  positiveInt: () => z.coerce.number().int().positive(),
  boolean: () =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  list: () =>
    z.string().transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
};
