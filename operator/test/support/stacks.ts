// Building defaulted stacks and rendering them for the spec tests.
import { parse } from 'yaml';
import type { ElwosaStack } from '../../src/api/elwosastack.js';
import { withDefaults } from '../../src/api/load.js';
import type { KubeObject, RenderInputs } from '../../src/specs/context.js';
import { desiredObjects } from '../../src/specs/desired.js';
import { OPERATOR_VERSION } from '../../src/version.js';
import { FIXED_SECRETS, FIXTURE_DASHBOARDS, readRepoFile } from './fixtures.js';

export function stack(spec: unknown = {}, name = 's1', namespace = 'ns1', uid?: string): ElwosaStack {
  const s = withDefaults({
    apiVersion: 'elwosa.io/v1alpha1',
    kind: 'ElwosaStack',
    metadata: { name, namespace },
    spec,
  });
  if (uid) s.metadata.uid = uid;
  return s;
}

export function exampleStack(example: string): ElwosaStack {
  return withDefaults(parse(readRepoFile('examples', `${example}.yaml`)));
}

export function inputs(overrides: Partial<RenderInputs> = {}): RenderInputs {
  return {
    operatorVersion: OPERATOR_VERSION,
    capabilities: { monitoring: true, cloudNativePG: true },
    dashboards: FIXTURE_DASHBOARDS,
    secrets: FIXED_SECRETS,
    secretsHash: 'h1',
    ...overrides,
  };
}

export function render(s: ElwosaStack, overrides: Partial<RenderInputs> = {}): KubeObject[] {
  return desiredObjects(s, inputs(overrides)).map((d) => d.object);
}

export function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o)
    throw new Error(
      `${kind}/${name} not rendered; have ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`,
    );
  return o;
}

// biome-ignore lint/suspicious/noExplicitAny: tests navigate rendered manifests freely
export type Loose = any;
export const loose = (o: KubeObject): Loose => o;
