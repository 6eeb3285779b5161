// Markdown reference tables of the spec and status fields, generated from the schema and kept
// in docs/operator.md between markers (a test fails when they are stale).
import { stackSpecSchema, stackStatusSchema } from './elwosastack.js';
import type { JsonSchema } from './schema.js';
import { TARGETS } from './targets.js';

interface Row {
  path: string;
  type: string;
  default: string;
  description: string;
}

function typeOf(s: JsonSchema): string {
  if (s['x-kubernetes-int-or-string']) return 'quantity';
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.type === 'array')
    return `list of ${s.items ? typeOf(s.items) : 'any'}${s.maxItems !== undefined ? ` (≤ ${s.maxItems})` : ''}`;
  if (s.additionalProperties) return `map of ${typeOf(s.additionalProperties)}`;
  if (s['x-kubernetes-preserve-unknown-fields']) return 'object (free-form)';
  return s.format ? `${s.type ?? 'any'} (${s.format})` : (s.type ?? 'any');
}

function describe(s: JsonSchema, required: boolean): string {
  const parts = [s.description ?? ''];
  if (required) parts.push('Required.');
  for (const v of s['x-kubernetes-validations'] ?? []) parts.push(`Rule: ${v.message}.`);
  return parts.filter(Boolean).join(' ').replaceAll('|', '\\|');
}

function walk(s: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  const isLeafObject = !s.properties;
  rows.push({
    path,
    type: isLeafObject ? typeOf(s) : 'object',
    default:
      s.default !== undefined &&
      !(typeof s.default === 'object' && Object.keys(s.default as object).length === 0)
        ? `\`${JSON.stringify(s.default)}\``
        : '',
    description:
      path === 'spec.services.<target>'
        ? 'One platform target: a Deployment and Service, optionally an HPA, PDB and ServiceMonitor.'
        : describe(s, required),
  });
  if (s.type === 'array' && s.items?.properties) walk(s.items, `${path}[]`, false, rows);
  if (s.additionalProperties?.properties) walk(s.additionalProperties, `${path}.<name>`, false, rows);
  for (const [name, child] of Object.entries(s.properties ?? {})) {
    if (path === 'spec.services' && name !== TARGETS[0]) continue;
    const childPath = path === 'spec.services' ? `${path}.<target>` : `${path}.${name}`;
    walk(child, childPath, (s.required ?? []).includes(name), rows);
  }
}

function table(rows: Row[]): string {
  const lines = ['| Field | Type | Default | Description |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| \`${r.path}\` | ${r.type} | ${r.default} | ${r.description} |`);
  return `${lines.join('\n')}\n`;
}

export function specReference(): string {
  const rows: Row[] = [];
  walk(stackSpecSchema.schema, 'spec', false, rows);
  return `\`<target>\` is one of ${TARGETS.map((t) => `\`${t}\``).join(', ')}.\n\n${table(rows)}`;
}

export function statusReference(): string {
  const rows: Row[] = [];
  walk(stackStatusSchema.schema, 'status', false, rows);
  return table(rows);
}

const marker = (name: string, edge: 'BEGIN' | 'END') =>
  `<!-- ${edge} GENERATED ${name} (elwosa-operator docs) -->`;

/** Replace the generated sections of a Markdown document. */
export function updateReference(markdown: string): string {
  let out = markdown;
  for (const [name, body] of [
    ['spec', specReference()],
    ['status', statusReference()],
  ] as const) {
    const begin = marker(name, 'BEGIN');
    const end = marker(name, 'END');
    const from = out.indexOf(begin);
    const to = out.indexOf(end);
    if (from < 0 || to < from)
      throw new Error(`markers for the ${name} reference are missing: ${begin} … ${end}`);
    out = `${out.slice(0, from + begin.length)}\n\n${body}\n${out.slice(to)}`;
  }
  return out;
}
