// A small typed builder for OpenAPI v3 structural schemas. Each builder returns a Field that
// carries both the JSON schema written into the CRD and (at the type level) the TypeScript type
// of the value, so the CRD YAML and the operator's types come from one source.

export interface CelRule {
  rule: string;
  message: string;
  reason?: 'FieldValueInvalid' | 'FieldValueForbidden' | 'FieldValueRequired' | 'FieldValueDuplicate';
  fieldPath?: string;
}

export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  enum?: readonly (string | number | boolean)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  pattern?: string;
  format?: string;
  'x-kubernetes-validations'?: CelRule[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
}

/** A schema node. `P` says whether the value is always present after defaulting. */
export interface Field<T, P extends boolean = false> {
  readonly schema: JsonSchema;
  readonly present: P;
  /** Phantom member: never set at runtime, only carries T. */
  readonly __type?: T;
  /** The value defaults to `value` (nested defaults then fill the rest) when absent. */
  default(value: DeepPartial<T>): Field<T, true>;
  /** The field is required in the parent object. */
  required(): Field<T, true>;
  describe(text: string): Field<T, P>;
  validate(...rules: CelRule[]): Field<T, P>;
}

export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type TypeOf<F> = F extends Field<infer T, boolean> ? T : never;

type AnyField = Field<unknown, boolean>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type PresentKeys<P> = { [K in keyof P]: P[K] extends Field<unknown, true> ? K : never }[keyof P];
type OptionalKeys<P> = Exclude<keyof P, PresentKeys<P>>;
export type ObjectOf<P extends Record<string, AnyField>> = Simplify<
  { [K in PresentKeys<P>]: TypeOf<P[K]> } & { [K in OptionalKeys<P>]?: TypeOf<P[K]> }
>;

function field<T>(
  schema: JsonSchema,
  present = false,
  requiredFlag = false,
): Field<T, boolean> & {
  isRequired: boolean;
} {
  return {
    schema,
    present,
    isRequired: requiredFlag,
    default(value: DeepPartial<T>) {
      return field<T>({ ...schema, default: value }, true, requiredFlag) as Field<T, true>;
    },
    required() {
      return field<T>(schema, true, true) as Field<T, true>;
    },
    describe(text: string) {
      return field<T>({ ...schema, description: text }, present, requiredFlag);
    },
    validate(...rules: CelRule[]) {
      const existing = schema['x-kubernetes-validations'] ?? [];
      return field<T>(
        { ...schema, 'x-kubernetes-validations': [...existing, ...rules] },
        present,
        requiredFlag,
      );
    },
  };
}

function isRequiredField(f: AnyField): boolean {
  return (f as AnyField & { isRequired?: boolean }).isRequired === true;
}

export function str(opts: { maxLength: number; minLength?: number; pattern?: string; format?: string }) {
  return field<string>({ type: 'string', ...opts }) as Field<string>;
}

export function oneOf<const V extends string>(values: readonly V[]) {
  return field<V>({ type: 'string', enum: values }) as Field<V>;
}

export function int(opts: { minimum?: number; maximum?: number } = {}) {
  return field<number>({ type: 'integer', ...opts }) as Field<number>;
}

export function bool() {
  return field<boolean>({ type: 'boolean' }) as Field<boolean>;
}

/** `auto`, `true` or `false` (YAML booleans stay booleans; "auto" decides at runtime). */
export function autoBool() {
  return field<'auto' | boolean>({
    'x-kubernetes-preserve-unknown-fields': true,
    enum: ['auto', true, false],
  }) as Field<'auto' | boolean>;
}

/** A Kubernetes quantity ("500m", "1Gi", 2). */
export function quantity() {
  return field<string | number>({
    'x-kubernetes-int-or-string': true,
    pattern:
      '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$',
  }) as Field<string | number>;
}

export function list<F extends AnyField>(
  item: F,
  opts: { maxItems: number; listType?: 'atomic' | 'set' | 'map'; mapKeys?: string[] },
) {
  const schema: JsonSchema = { type: 'array', items: item.schema, maxItems: opts.maxItems };
  if (opts.listType) schema['x-kubernetes-list-type'] = opts.listType;
  if (opts.mapKeys) schema['x-kubernetes-list-map-keys'] = opts.mapKeys;
  return field<TypeOf<F>[]>(schema) as Field<TypeOf<F>[]>;
}

/** A string → value map (labels, resource lists). */
export function dict<F extends AnyField>(value: F, opts: { maxProperties: number }) {
  return field<Record<string, TypeOf<F>>>({
    type: 'object',
    additionalProperties: value.schema,
    maxProperties: opts.maxProperties,
  }) as Field<Record<string, TypeOf<F>>>;
}

export function obj<P extends Record<string, AnyField>>(props: P) {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, f] of Object.entries(props)) {
    properties[name] = f.schema;
    if (isRequiredField(f)) required.push(name);
  }
  const schema: JsonSchema = { type: 'object' };
  if (Object.keys(properties).length > 0) schema.properties = properties;
  if (required.length > 0) schema.required = required;
  return field<ObjectOf<P>>(schema) as Field<ObjectOf<P>>;
}

/** An escape hatch: any object, kept as is (e.g. a `valueFrom` or HPA `behavior`). */
export function freeform<T extends object>() {
  return field<T>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as Field<T>;
}

/**
 * Structural defaulting as the API server does it: at each object, absent properties with a
 * default get a copy of it, then every present value is defaulted recursively (so defaults
 * inside defaulted objects apply too). Returns a new value; the input is not modified.
 */
export function applyDefaults(schema: JsonSchema, value: unknown): unknown {
  if (Array.isArray(value)) {
    return schema.items ? value.map((v) => applyDefaults(schema.items as JsonSchema, v)) : value;
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (out[name] === undefined && prop.default !== undefined) out[name] = structuredClone(prop.default);
  }
  for (const [name, v] of Object.entries(out)) {
    const prop = schema.properties?.[name] ?? schema.additionalProperties;
    if (prop) out[name] = applyDefaults(prop, v);
  }
  return out;
}
