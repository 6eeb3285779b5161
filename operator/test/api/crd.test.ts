import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CRD_FILE, renderCrdYaml } from '../../src/api/crd.js';
import { stackSchema } from '../../src/api/elwosastack.js';
import { applyDefaults, type JsonSchema } from '../../src/api/schema.js';
import { validateAgainst } from '../../src/api/validate.js';
import { OPERATOR_VERSION } from '../../src/version.js';
import { readRepoFile, repoPath } from '../support/fixtures.js';
import { validateWithModel } from '../support/models.js';
import { unknownFields } from '../support/unknown-fields.js';

interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  additionalProperties?: SchemaNode;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  enum?: unknown[];
  format?: string;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

/** Paths of strings, lists and maps without a bound (the API server's CEL cost budget needs them). */
function unbounded(node: SchemaNode, path: string): string[] {
  const out: string[] = [];
  if (node.type === 'string' && node.maxLength === undefined && !node.enum) out.push(path);
  if (node.type === 'array' && node.maxItems === undefined) out.push(path);
  if (node.additionalProperties && node.maxProperties === undefined) out.push(path);
  for (const [k, v] of Object.entries(node.properties ?? {})) out.push(...unbounded(v, `${path}.${k}`));
  if (node.items) out.push(...unbounded(node.items, `${path}[]`));
  if (node.additionalProperties) out.push(...unbounded(node.additionalProperties, `${path}{}`));
  return out;
}

describe('the CRD', () => {
  const crd = parse(renderCrdYaml());
  const version = crd.spec.versions[0];

  it(`is in sync with ${CRD_FILE} (regenerate: npx elwosa-operator crd -o ${CRD_FILE})`, () => {
    expect(readFileSync(repoPath(CRD_FILE), 'utf8')).toBe(renderCrdYaml());
  });

  it('validates as an apiextensions.k8s.io/v1 CustomResourceDefinition without unknown fields', () => {
    expect(() => validateWithModel(crd)).not.toThrow();
    expect(unknownFields(crd)).toEqual([]);
  });

  it('bounds every string, list and map', () => {
    expect(unbounded(version.schema.openAPIV3Schema, '')).toEqual([]);
  });

  it('has the status subresource, short names, categories and filtered printer columns', () => {
    expect(version.subresources).toEqual({ status: {} });
    expect(crd.spec.names.shortNames).toEqual(['es', 'estack']);
    expect(crd.spec.names.categories).toContain('elwosa');
    expect(version.additionalPrinterColumns.map((c: { name: string }) => c.name)).toEqual([
      'Ready',
      'Reason',
      'Phase',
      'Version',
      'Age',
    ]);
    expect(version.additionalPrinterColumns[0].jsonPath).toBe(
      '.status.conditions[?(@.type=="Ready")].status',
    );
  });

  it('defaults the spec so nested defaults apply', () => {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    expect(spec.default).toEqual({});
    expect(spec.properties.services.properties.gateway.default).toEqual({});
    expect(spec.properties.database.properties.retentionPolicy.default).toBe('Retain');
  });
});

/** Structural-schema problems: nodes without a type (unless int-or-string or preserve-unknown) and invalid defaults. */
function structuralProblems(node: JsonSchema, path: string): string[] {
  const out: string[] = [];
  if (!node.type && !node['x-kubernetes-int-or-string'] && !node['x-kubernetes-preserve-unknown-fields'])
    out.push(`${path}: no type`);
  if (node.default !== undefined)
    out.push(...validateAgainst(node, applyDefaults(node, node.default)).map((e) => `${path} default: ${e}`));
  for (const [k, v] of Object.entries(node.properties ?? {}))
    out.push(...structuralProblems(v, `${path}.${k}`));
  if (node.items) out.push(...structuralProblems(node.items, `${path}[]`));
  if (node.additionalProperties) out.push(...structuralProblems(node.additionalProperties, `${path}{}`));
  return out;
}

describe('the schema', () => {
  it('is structural and every default is valid against its own schema (the API server checks both)', () => {
    expect(structuralProblems(stackSchema.schema, '')).toEqual([]);
  });

  it('would catch an invalid default', () => {
    const broken = {
      type: 'object' as const,
      properties: { n: { type: 'integer' as const, maximum: 3, default: 5 } },
    };
    expect(structuralProblems(broken, '')).toEqual(['.n default: <root>: must be at most 3']);
  });
});

describe('the operator version', () => {
  it('equals operator/package.json', () => {
    expect(JSON.parse(readRepoFile('operator', 'package.json')).version).toBe(OPERATOR_VERSION);
  });
});
