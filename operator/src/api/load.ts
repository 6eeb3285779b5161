// Reading an ElwosaStack: structural defaults from the schema (as the API server applies them).
import { API_VERSION, type ElwosaStack, KIND, MAX_NAME_LENGTH, stackSchema } from './elwosastack.js';
import { applyDefaults } from './schema.js';

export class StackError extends Error {}

export function withDefaults(raw: unknown, defaultNamespace = 'default'): ElwosaStack {
  if (raw === null || typeof raw !== 'object') throw new StackError('an ElwosaStack must be an object');
  const obj = raw as {
    apiVersion?: unknown;
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  };
  if (obj.apiVersion !== API_VERSION || obj.kind !== KIND) {
    throw new StackError(
      `expected apiVersion ${API_VERSION} and kind ${KIND}, got ${String(obj.apiVersion)} ${String(obj.kind)}`,
    );
  }
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name.length === 0) throw new StackError('metadata.name is required');
  if (name.length > MAX_NAME_LENGTH)
    throw new StackError(`metadata.name must be at most ${MAX_NAME_LENGTH} characters`);
  const defaulted = applyDefaults(stackSchema.schema, raw) as ElwosaStack;
  return {
    ...defaulted,
    metadata: {
      ...defaulted.metadata,
      namespace: (obj.metadata?.namespace as string | undefined) ?? defaultNamespace,
    },
  };
}
