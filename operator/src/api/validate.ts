// Offline validation of an ElwosaStack against the CRD schema, as the API server would do it on
// create: types, enums, bounds, patterns, required fields, unknown fields (which the server
// would prune silently) and the CEL rules that do not compare with the old object. Used by
// `render` so an invalid stack fails before it reaches a cluster.
import { type CelInput, isCelError, run } from '@bufbuild/cel';
import type { JsonSchema } from './schema.js';

/** JSON → CEL input: integers as BigInt, objects as Map (what @bufbuild/cel expects). */
export function toCel(value: unknown): CelInput {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(toCel) as CelInput;
  if (value !== null && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [k, toCel(v)])) as CelInput;
  }
  return value as CelInput;
}

function typeError(schema: JsonSchema, value: unknown): string | undefined {
  if (schema['x-kubernetes-int-or-string']) {
    return typeof value === 'string' || Number.isInteger(value)
      ? undefined
      : 'must be an integer or a string';
  }
  switch (schema.type) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value)
        ? undefined
        : 'must be an object';
    case 'array':
      return Array.isArray(value) ? undefined : 'must be a list';
    case 'string':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'integer':
      return Number.isInteger(value) ? undefined : 'must be an integer';
    case 'number':
      return typeof value === 'number' ? undefined : 'must be a number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be a boolean';
    default:
      return undefined;
  }
}

function boundsErrors(schema: JsonSchema, value: unknown): string[] {
  const out: string[] = [];
  if (schema.enum && !schema.enum.includes(value as never))
    out.push(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && value.length > schema.maxLength)
      out.push(`must be at most ${schema.maxLength} characters`);
    if (schema.minLength !== undefined && value.length < schema.minLength)
      out.push(`must be at least ${schema.minLength} characters`);
    if (schema.pattern && !new RegExp(schema.pattern).test(value)) out.push(`must match ${schema.pattern}`);
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum)
      out.push(`must be at least ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`must be at most ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.maxItems !== undefined && value.length > schema.maxItems)
    out.push(`must have at most ${schema.maxItems} items`);
  if (
    schema.additionalProperties &&
    value &&
    typeof value === 'object' &&
    schema.maxProperties !== undefined
  ) {
    if (Object.keys(value).length > schema.maxProperties)
      out.push(`must have at most ${schema.maxProperties} entries`);
  }
  return out;
}

function celErrors(schema: JsonSchema, value: unknown): string[] {
  const out: string[] = [];
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) continue; // transition rules need the stored object
    const result = run(rule.rule, { self: toCel(value) });
    if (isCelError(result)) out.push(`rule ${rule.rule} failed to evaluate: ${result.message}`);
    else if (result !== true) out.push(rule.message);
  }
  return out;
}

/** Problems with `value` under `schema`, as `path: message` lines (empty: valid). */
export function validateAgainst(schema: JsonSchema, value: unknown, path = ''): string[] {
  const at = (msg: string) => `${path || '<root>'}: ${msg}`;
  const wrongType = typeError(schema, value);
  if (wrongType) return [at(wrongType)];
  const errors = boundsErrors(schema, value).map(at);
  if (Array.isArray(value) && schema.items) {
    value.forEach((item, i) => {
      errors.push(...validateAgainst(schema.items as JsonSchema, item, `${path}[${i}]`));
    });
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const name of schema.required ?? [])
      if (record[name] === undefined) errors.push(at(`${name} is required`));
    for (const [name, v] of Object.entries(record)) {
      const child = schema.properties?.[name] ?? schema.additionalProperties;
      const childPath = path ? `${path}.${name}` : name;
      if (child) errors.push(...validateAgainst(child, v, childPath));
      else if (!schema['x-kubernetes-preserve-unknown-fields'] && schema.properties)
        errors.push(`${childPath}: unknown field`);
    }
  }
  if (errors.length === 0) errors.push(...celErrors(schema, value).map(at));
  return errors;
}
