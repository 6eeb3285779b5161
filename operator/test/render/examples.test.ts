import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderManifest } from '../../src/render.js';
import { toYamlStream } from '../../src/yaml.js';
import { EXAMPLES, RENDER_ALL, readRepoFile, repoPath } from '../support/fixtures.js';
import { validateWithModel } from '../support/models.js';
import { unknownFields } from '../support/unknown-fields.js';

// Golden files are for review: regenerate with UPDATE_GOLDEN=1 npx vitest run operator/test/render
const UPDATE = process.env.UPDATE_GOLDEN === '1';

describe.each(EXAMPLES)('examples/%s.yaml', (example) => {
  const objects = renderManifest(readRepoFile('examples', `${example}.yaml`), RENDER_ALL);

  it('renders objects that every model validates', () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) expect(() => validateWithModel(o), `${o.kind}/${o.metadata.name}`).not.toThrow();
  });

  it('renders no unknown fields', () => {
    expect(objects.flatMap((o) => unknownFields(o))).toEqual([]);
  });

  it('renders unique object names per kind', () => {
    const keys = objects.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('matches the golden file', () => {
    const golden = repoPath('operator', 'test', 'golden', `${example}.golden.yaml`);
    const text = toYamlStream(objects);
    if (UPDATE || !existsSync(golden)) writeFileSync(golden, text);
    expect(text).toBe(readFileSync(golden, 'utf8'));
  });
});

describe('the validators themselves', () => {
  it('reject a typo field and a wrong type', () => {
    const [deployment] = renderManifest(readRepoFile('examples', 'kind.yaml'), RENDER_ALL).filter(
      (o) => o.kind === 'Deployment',
    );
    const typo = structuredClone(deployment!) as unknown as {
      spec: { template: { spec: { containers: Record<string, unknown>[] } } };
    };
    typo.spec.template.spec.containers[0]!.imagePullPolicyy = 'Always';
    expect(unknownFields(typo as never)).toEqual([
      'apps/v1/Deployment.spec.template.spec.containers[0].imagePullPolicyy: unknown field (V1Container)',
    ]);
    const wrong = structuredClone(deployment!) as unknown as { spec: Record<string, unknown> };
    wrong.spec.replicas = 'three';
    expect(() => validateWithModel(wrong as never)).toThrow(/replicas/);
  });

  it('reject unknown fields in prometheus-operator objects', () => {
    const sm = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'x' },
      spec: { selector: {}, endpoints: [{ prot: 'http' }] },
    };
    expect(unknownFields(sm)).toEqual([
      'monitoring.coreos.com/v1/ServiceMonitor.spec.endpoints[0].prot: unknown field',
    ]);
  });
});
