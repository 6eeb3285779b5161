import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stackSchema } from '../../src/api/elwosastack.js';
import { withDefaults } from '../../src/api/load.js';
import { validateAgainst } from '../../src/api/validate.js';
import { EXAMPLES, readRepoFile } from '../support/fixtures.js';

const check = (spec: unknown, name = 's1') =>
  validateAgainst(
    stackSchema.schema,
    withDefaults({ apiVersion: 'elwosa.io/v1alpha1', kind: 'ElwosaStack', metadata: { name }, spec }),
  );

describe('offline stack validation', () => {
  it.each(EXAMPLES)('accepts examples/%s.yaml', (example) => {
    expect(
      validateAgainst(stackSchema.schema, withDefaults(parse(readRepoFile('examples', `${example}.yaml`)))),
    ).toEqual([]);
  });

  it('rejects unknown fields the API server would prune', () => {
    expect(check({ services: { chat: { autoscaling: { enable: true } } } })).toEqual([
      'spec.services.chat.autoscaling.enable: unknown field',
    ]);
  });

  it('rejects wrong types, enums, bounds and patterns', () => {
    expect(check({ database: { mode: 'sqlite' } })).toEqual([
      'spec.database.mode: must be one of "managed", "external", "cloudnativepg"',
    ]);
    expect(check({ services: { chat: { replicas: 'two' } } })).toEqual([
      'spec.services.chat.replicas: must be an integer',
    ]);
    expect(check({ services: { chat: { replicas: 101 } } })).toEqual([
      'spec.services.chat.replicas: must be at most 100',
    ]);
    expect(check({ ai: { ollama: { gpu: { resourceName: 'GPU' } } } })[0]).toMatch(
      /^spec\.ai\.ollama\.gpu\.resourceName: must match/,
    );
    expect(check({ database: { storage: { size: 'lots' } } })[0]).toMatch(
      /^spec\.database\.storage\.size: must match/,
    );
    expect(check({ monitoring: { serviceMonitor: { enabled: 'yes' } } })).toEqual([
      'spec.monitoring.serviceMonitor.enabled: must be one of "auto", true, false',
    ]);
  });

  it('evaluates the CEL rules', () => {
    expect(check({ ai: { ollama: { gpu: { enabled: true, count: 0 } } } })).toEqual([
      'spec.ai.ollama.gpu: gpu.count must be at least 1 when gpu is enabled',
    ]);
    expect(check({ database: { mode: 'external' } })).toEqual([
      'spec.database: database.mode external needs database.secretRef',
    ]);
    expect(check({ services: { tasks: { autoscaling: { minReplicas: 5, maxReplicas: 2 } } } })).toEqual([
      'spec.services.tasks.autoscaling: autoscaling.minReplicas must not exceed autoscaling.maxReplicas',
    ]);
    expect(check({ ingress: { enabled: true } })).toEqual([
      'spec.ingress: ingress.host is required when ingress is enabled',
    ]);
  });
});
