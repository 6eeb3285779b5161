import { describe, expect, it } from 'vitest';
import { exampleStack, find, loose, render, stack } from '../support/stacks.js';

describe('examples/gpu.yaml Ollama', () => {
  const sts = loose(find(render(exampleStack('gpu')), 'StatefulSet', 'prod-ollama'));
  const pod = sts.spec.template.spec;
  const ollama = pod.containers.find((c: { name: string }) => c.name === 'ollama');

  it('requests and limits exactly the configured GPUs', () => {
    expect(ollama.resources).toEqual({
      requests: { cpu: '2', memory: '16Gi', 'nvidia.com/gpu': '1' },
      limits: { memory: '32Gi', 'nvidia.com/gpu': '1' },
    });
  });

  it('uses the runtime class', () => {
    expect(pod.runtimeClassName).toBe('nvidia');
  });

  it('tolerates the default GPU taint plus the configured ones', () => {
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
    ]);
  });

  it('requires the GPU products through node affinity', () => {
    expect(pod.affinity).toEqual({
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                {
                  key: 'nvidia.com/gpu.product',
                  operator: 'In',
                  values: ['NVIDIA-A100-SXM4-40GB', 'NVIDIA-H100-80GB-HBM3'],
                },
              ],
            },
          ],
        },
      },
    });
  });

  it('rolls out one pod at a time with per-pod model volumes', () => {
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } });
    expect(sts.spec.volumeClaimTemplates[0].spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast-ssd',
      resources: { requests: { storage: '100Gi' } },
    });
  });

  it('configures Ollama, probes and the idempotent model puller', () => {
    const env = Object.fromEntries(ollama.env.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toMatchObject({
      OLLAMA_KEEP_ALIVE: '-1',
      OLLAMA_NUM_PARALLEL: '4',
      OLLAMA_HOST: '0.0.0.0:11434',
    });
    expect(ollama.readinessProbe.httpGet.path).toBe('/api/tags');
    expect(ollama.startupProbe.periodSeconds * ollama.startupProbe.failureThreshold).toBeGreaterThanOrEqual(
      600,
    );
    const puller = pod.containers.find((c: { name: string }) => c.name === 'model-puller');
    expect(puller.env).toContainEqual({ name: 'ELWOSA_MODELS', value: 'llama3.1:8b nomic-embed-text' });
    expect(puller.command[2]).toContain('ollama show "$m" >/dev/null 2>&1 || ollama pull "$m"');
    expect(puller.command[2]).toContain('ollama run "$m" "" --keepalive=-1');
  });

  it('gives ai-bridge every replica through the headless Service', () => {
    const objects = render(exampleStack('gpu'));
    expect(loose(find(objects, 'Service', 'prod-ollama')).spec.clusterIP).toBe('None');
    const env = loose(find(objects, 'Deployment', 'prod-ai-bridge')).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: 'OLLAMA_URLS',
      value: 'http://prod-ollama-0.prod-ollama:11434,http://prod-ollama-1.prod-ollama:11434',
    });
  });
});

describe('GPU options', () => {
  it('uses a MIG resource name as configured and no runtime class when unset', () => {
    const s = stack({
      ai: { ollama: { gpu: { enabled: true, count: 2, resourceName: 'nvidia.com/mig-1g.10gb' } } },
    });
    const pod = loose(find(render(s), 'StatefulSet', 's1-ollama')).spec.template.spec;
    expect(pod.containers[0].resources.limits['nvidia.com/mig-1g.10gb']).toBe('2');
    expect(pod.containers[0].resources.requests['nvidia.com/mig-1g.10gb']).toBe('2');
    expect(pod.runtimeClassName).toBeUndefined();
    expect(pod.affinity).toBeUndefined();
  });

  it('schedules CPU Ollama without GPU settings', () => {
    const pod = loose(find(render(exampleStack('kind')), 'StatefulSet', 'dev-ollama')).spec.template.spec;
    expect(pod.tolerations).toBeUndefined();
    expect(pod.runtimeClassName).toBeUndefined();
    expect(JSON.stringify(pod.containers[0].resources)).not.toContain('nvidia');
  });
});
