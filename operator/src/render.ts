// Offline rendering: a stack manifest → every object the operator would apply.
import { parseAllDocuments } from 'yaml';
import { stackSchema } from './api/elwosastack.js';
import { withDefaults } from './api/load.js';
import { validateAgainst } from './api/validate.js';
import type { Capabilities, Dashboard, GeneratedSecrets, KubeObject } from './specs/context.js';
import { desiredObjects } from './specs/desired.js';
import { hashOf } from './specs/hash.js';
import { OPERATOR_VERSION } from './version.js';

export interface RenderOptions {
  capabilities: Capabilities;
  dashboards: readonly Dashboard[];
  secrets: GeneratedSecrets;
}

/** Every ElwosaStack in a YAML stream, rendered in bring-up order. */
export function renderManifest(yamlText: string, opts: RenderOptions): KubeObject[] {
  const docs = parseAllDocuments(yamlText);
  const out: KubeObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('; '));
    const raw = doc.toJS() as unknown;
    if (raw === null || raw === undefined) continue;
    const stack = withDefaults(raw);
    const problems = validateAgainst(stackSchema.schema, stack);
    if (problems.length > 0)
      throw new Error(`${stack.metadata.name} is invalid:\n  ${problems.join('\n  ')}`);
    const objects = desiredObjects(stack, {
      operatorVersion: OPERATOR_VERSION,
      capabilities: opts.capabilities,
      dashboards: opts.dashboards,
      secrets: opts.secrets,
      secretsHash: hashOf(opts.secrets),
    });
    out.push(...objects.map((d) => d.object));
  }
  return out;
}
