import { run } from '@bufbuild/cel';
import { describe, expect, it } from 'vitest';
import { stackSchema } from '../../src/api/elwosastack.js';
import type { CelRule, JsonSchema } from '../../src/api/schema.js';
import { toCel as cel } from '../../src/api/validate.js';

/** Every x-kubernetes-validations rule in the schema, by its path ('' is the root). */
function rulesByPath(
  node: JsonSchema,
  path = '',
  out = new Map<string, CelRule[]>(),
): Map<string, CelRule[]> {
  if (node['x-kubernetes-validations']) out.set(path, node['x-kubernetes-validations']);
  for (const [k, v] of Object.entries(node.properties ?? {})) rulesByPath(v, path ? `${path}.${k}` : k, out);
  if (node.items) rulesByPath(node.items, `${path}[]`, out);
  return out;
}

const RULES = rulesByPath(stackSchema.schema);

function rule(path: string, messagePart: string): string {
  const found = (RULES.get(path) ?? []).find((r) => r.message.includes(messagePart));
  if (!found) throw new Error(`no rule at ${path} matching ${messagePart}`);
  return found.rule;
}

const holds = (expr: string, self: unknown, oldSelf?: unknown) =>
  run(expr, oldSelf === undefined ? { self: cel(self) } : { self: cel(self), oldSelf: cel(oldSelf) });

describe('CEL rules', () => {
  it('minReplicas <= maxReplicas on every target', () => {
    const expr = rule('spec.services.chat.autoscaling', 'minReplicas');
    expect(holds(expr, { minReplicas: 2, maxReplicas: 5 })).toBe(true);
    expect(holds(expr, { minReplicas: 3, maxReplicas: 3 })).toBe(true);
    expect(holds(expr, { minReplicas: 4, maxReplicas: 3 })).toBe(false);
    expect(rule('spec.services.gateway.autoscaling', 'minReplicas')).toBe(expr);
  });

  it('gpu.count >= 1 when gpu is enabled', () => {
    const expr = rule('spec.ai.ollama.gpu', 'gpu.count');
    expect(holds(expr, { enabled: true, count: 1 })).toBe(true);
    expect(holds(expr, { enabled: true, count: 0 })).toBe(false);
    expect(holds(expr, { enabled: false, count: 0 })).toBe(true);
  });

  it.each(['database', 'redis'])('external %s needs a secretRef', (what) => {
    const expr = rule(`spec.${what}`, 'needs');
    expect(holds(expr, { mode: 'external' })).toBe(false);
    expect(holds(expr, { mode: 'external', secretRef: { name: 'db', key: 'url' } })).toBe(true);
    expect(holds(expr, { mode: 'managed' })).toBe(true);
  });

  it.each(['database', 'redis'])('%s.mode is immutable', (what) => {
    const expr = rule(`spec.${what}`, 'immutable');
    expect(holds(expr, { mode: 'managed' }, { mode: 'managed' })).toBe(true);
    expect(holds(expr, { mode: 'external' }, { mode: 'managed' })).toBe(false);
  });

  it('storage classes are immutable', () => {
    const expr = rule('spec.database.storage.className', 'immutable');
    expect(holds(expr, 'fast', 'fast')).toBe(true);
    expect(holds(expr, 'slow', 'fast')).toBe(false);
    expect(rule('spec.ai.ollama.storage.className', 'immutable')).toBe(expr);
  });

  it('metadata.name is at most 40 characters', () => {
    const expr = rule('', 'metadata.name');
    expect(holds(expr, { metadata: { name: 'a'.repeat(40) } })).toBe(true);
    expect(holds(expr, { metadata: { name: 'a'.repeat(41) } })).toBe(false);
  });

  it('an enabled ingress needs a host', () => {
    const expr = rule('spec.ingress', 'host');
    expect(holds(expr, { enabled: true })).toBe(false);
    expect(holds(expr, { enabled: true, host: 'a.example.com' })).toBe(true);
    expect(holds(expr, { enabled: false })).toBe(true);
  });

  it('every rule compiles and is covered above', () => {
    const covered = new Set<string>();
    for (const [path, rules] of RULES) for (const r of rules) covered.add(`${path}: ${r.rule}`);
    // 8 targets × autoscaling, gpu, 2 × 2 data-store rules, 3 storage classes, name, ingress
    expect(covered.size).toBe(8 + 1 + 4 + 3 + 1 + 1);
  });
});
