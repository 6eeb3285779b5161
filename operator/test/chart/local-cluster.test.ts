// The local-cluster flow (kind, skaffold, the Makefile targets and their scripts) cannot run here
// (no Docker engine). Validated offline: the scripts pass shellcheck, the kind config and
// skaffold.yaml parse, name the right apiVersion and kind and reference images, the chart, values
// and files that exist, and hack/apply-stack.sh works with the real kubectl against the test API
// server.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stackSchema } from '../../src/api/elwosastack.js';
import type { TestApiServer } from '../../src/testing/api-server.js';
import { startTestCluster } from '../../src/testing/cluster.js';
import { readRepoFile, repoPath } from '../support/fixtures.js';
import { stackOf } from '../support/operator.js';
import { CHART, template } from './helm.js';

const run = promisify(execFile);
const SCRIPTS = [
  'lib',
  'kind-up',
  'deploy',
  'apply-stack',
  'e2e',
  'kind-down',
  'ensure-helm',
  'ensure-shellcheck',
].map((s) => `hack/${s}.sh`);
const VERSION = (JSON.parse(readRepoFile('operator', 'package.json')) as { version: string }).version;
const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

/** A value path (`a.b.c`) exists in values.yaml. */
function hasValue(values: Record<string, unknown>, key: string): boolean {
  let node: unknown = values;
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object' || !(part in node)) return false;
    node = (node as Record<string, unknown>)[part];
  }
  return true;
}

/** RFC 6902 add/replace on a parsed document (what skaffold does with profile patches). */
function applyPatches(doc: unknown, patches: { op: string; path: string; value: unknown }[]): unknown {
  const out = structuredClone(doc) as Record<string, unknown>;
  for (const p of patches) {
    const parts = p.path.split('/').slice(1);
    const last = parts.pop()!;
    let node: Record<string, unknown> = out;
    for (const part of parts) {
      if (!(part in node)) throw new Error(`${p.op} ${p.path}: ${part} does not exist`);
      node = node[part] as Record<string, unknown>;
    }
    if (p.op === 'replace' && !(last in node)) throw new Error(`replace ${p.path}: nothing to replace`);
    if (!['add', 'replace'].includes(p.op)) throw new Error(`unsupported op ${p.op}`);
    node[last] = p.value;
  }
  return out;
}

describe('scripts', () => {
  it('pass shellcheck', async () => {
    const shellcheck = execFileSync(repoPath('hack', 'ensure-shellcheck.sh'), { encoding: 'utf8' }).trim();
    const result = await run(shellcheck, ['-x', '--severity=style', ...SCRIPTS], { cwd: repoPath() }).catch(
      (err: { stdout: string }) => ({ stdout: err.stdout, failed: true }),
    );
    expect(result.stdout).toBe('');
    expect('failed' in result).toBe(false);
  });

  it('are executable (lib.sh is sourced) and wired to the Makefile targets', async () => {
    for (const s of SCRIPTS.filter((s) => s !== 'hack/lib.sh'))
      expect(statSync(repoPath(s)).mode & 0o111, s).not.toBe(0);
    const { stdout } = await run('make', ['-n', 'kind-up', 'deploy', 'e2e', 'kind-down'], {
      cwd: repoPath(),
    });
    for (const target of ['kind-up', 'deploy', 'e2e', 'kind-down'])
      expect(stdout).toContain(`hack/${target}.sh`);
  });

  it('deploy the images the chart and the stacks use, at the operator’s version', () => {
    const deploy = readRepoFile('hack', 'deploy.sh');
    expect(deploy).toContain('platform_image="ghcr.io/elwosa/elwosa:$' + '{version}"');
    expect(deploy).toContain('operator_image="ghcr.io/elwosa/elwosa-operator:$' + '{version}"');
    expect(deploy).toContain('examples/kind.yaml');
    const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as {
      image: { repository: string };
    };
    expect(values.image.repository).toBe('ghcr.io/elwosa/elwosa-operator');
    const platformDefault = (
      stackSchema.schema as {
        properties: { spec: { properties: { image: { properties: { repository: { default: string } } } } } };
      }
    ).properties.spec.properties.image.properties.repository.default;
    expect(platformDefault).toBe('ghcr.io/elwosa/elwosa');
  });
});

describe('hack/kind-config.yaml', () => {
  const config = parse(readRepoFile('hack', 'kind-config.yaml')) as {
    kind: string;
    apiVersion: string;
    name: string;
    nodes: { role: string; [k: string]: unknown }[];
    [k: string]: unknown;
  };

  it('is a kind Cluster with a control plane, named like the scripts and the skaffold profile expect', () => {
    expect(config.kind).toBe('Cluster');
    expect(config.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(Object.keys(config).sort()).toEqual(['apiVersion', 'kind', 'name', 'nodes']);
    expect(config.nodes.filter((n) => n.role === 'control-plane')).toHaveLength(1);
    for (const n of config.nodes) {
      expect(['control-plane', 'worker']).toContain(n.role);
      for (const k of Object.keys(n))
        expect(['role', 'labels', 'image', 'extraMounts', 'extraPortMappings']).toContain(k);
    }
    expect(readRepoFile('hack', 'lib.sh')).toContain(`KIND_CLUSTER="\${KIND_CLUSTER:-${config.name}}"`);
    const skaffold = parse(readRepoFile('skaffold.yaml')) as {
      profiles: { name: string; activation?: { kubeContext: string }[] }[];
    };
    const kind = skaffold.profiles.find((p) => p.name === 'kind');
    expect(kind?.activation?.[0]?.kubeContext).toBe(`kind-${config.name}`);
  });
});

describe('skaffold.yaml', () => {
  type Release = {
    name: string;
    chartPath: string;
    namespace: string;
    setValueTemplates: Record<string, string>;
    setValues?: Record<string, unknown>;
  };
  type Skaffold = {
    apiVersion: string;
    kind: string;
    build: {
      tagPolicy: { envTemplate: { template: string } };
      local: { push: boolean };
      artifacts: { image: string; context: string; docker: { dockerfile: string } }[];
    };
    deploy: { helm: { releases: Release[]; hooks?: { after: { host: { command: string[] } }[] } } };
    profiles: { name: string; patches: { op: string; path: string; value: unknown }[] }[];
  };
  const skaffold = parse(readRepoFile('skaffold.yaml')) as Skaffold;
  const values = parse(readFileSync(path.join(CHART, 'values.yaml'), 'utf8')) as Record<string, unknown>;

  it('is a skaffold v4 Config that builds both images from Dockerfiles that exist', () => {
    expect(skaffold.apiVersion).toMatch(/^skaffold\/v4beta\d+$/);
    expect(skaffold.kind).toBe('Config');
    expect(skaffold.build.artifacts.map((a) => a.image).sort()).toEqual([
      'ghcr.io/elwosa/elwosa',
      'ghcr.io/elwosa/elwosa-operator',
    ]);
    for (const a of skaffold.build.artifacts) {
      expect(existsSync(repoPath(a.context, a.docker.dockerfile)), a.docker.dockerfile).toBe(true);
    }
    // Stacks run <repository>:<operator version> unless spec.image.tag says otherwise.
    expect(skaffold.build.tagPolicy.envTemplate.template).toBe(VERSION);
  });

  it('deploys the chart with image values that exist, for the operator image it builds', () => {
    const [release] = skaffold.deploy.helm.releases;
    expect(existsSync(repoPath(release!.chartPath, 'Chart.yaml'))).toBe(true);
    expect(path.resolve(repoPath(release!.chartPath))).toBe(path.resolve(CHART));
    const sanitized = 'ghcr.io/elwosa/elwosa-operator'.replace(/[^a-zA-Z0-9]/g, '_');
    expect(release!.setValueTemplates['image.repository']).toBe(`{{.IMAGE_REPO_${sanitized}}}`);
    expect(release!.setValueTemplates['image.tag']).toBe(`{{.IMAGE_TAG_${sanitized}}}`);
    for (const key of Object.keys(release!.setValueTemplates)) expect(hasValue(values, key), key).toBe(true);
  });

  it.each(['kind', 'gpu'])(
    'profile %s applies, sets valid chart values and applies an example stack',
    async (name) => {
      const profile = skaffold.profiles.find((p) => p.name === name)!;
      expect(profile).toBeDefined();
      const patched = applyPatches(skaffold, profile.patches) as Skaffold;
      const release = patched.deploy.helm.releases[0]!;
      const set: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(release.setValues ?? {})) {
        expect(hasValue(values, key), key).toBe(true);
        // --set a.b=c as a nested values object
        const parts = key.split('.');
        let node = set;
        for (const part of parts.slice(0, -1)) {
          node[part] ??= {};
          node = node[part] as Record<string, unknown>;
        }
        node[parts.at(-1)!] = value;
      }
      // The chart renders with them (schema and template checks included).
      expect((await template(set)).some((o) => o.kind === 'Deployment')).toBe(true);
      const hooks = patched.deploy.helm.hooks?.after ?? [];
      expect(hooks).toHaveLength(1);
      const [script, example] = hooks[0]!.host.command;
      expect(script).toBe('hack/apply-stack.sh');
      expect(existsSync(repoPath(example!)), example).toBe(true);
      expect(example).toBe(`examples/${name}.yaml`);
      if (name === 'gpu') expect(patched.build.local.push).toBe(true);
    },
  );
});

describe('hack/apply-stack.sh with the real kubectl', () => {
  let server: TestApiServer;
  let dir: string;

  beforeAll(async () => {
    server = (await startTestCluster()).server;
    dir = mkdtempSync(path.join(tmpdir(), 'elwosa-apply-'));
    writeFileSync(
      path.join(dir, 'kubeconfig'),
      `apiVersion: v1\nkind: Config\nclusters: [{name: t, cluster: {server: "${server.url}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: test, context: {cluster: t, user: u}}]\ncurrent-context: test\n`,
    );
    // The test API server serves no OpenAPI document: client-side validation off for `apply`.
    writeFileSync(
      path.join(dir, 'kubectl'),
      `#!/usr/bin/env bash\nfor a in "$@"; do [[ "$a" == apply ]] && exec ${KUBECTL} "$@" --validate=false; done\nexec ${KUBECTL} "$@"\n`,
    );
    chmodSync(path.join(dir, 'kubectl'), 0o755);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('waits for the CRD, applies the stack and points it at other images', async () => {
    if (!existsSync(KUBECTL)) throw new Error(`kubectl not found at ${KUBECTL} (set KUBECTL)`);
    const { stderr } = await run(repoPath('hack', 'apply-stack.sh'), ['examples/kind.yaml'], {
      cwd: repoPath(),
      timeout: 60_000,
      env: {
        PATH: `${dir}:${path.dirname(process.execPath)}:${process.env.PATH}`,
        HOME: dir,
        KUBECONFIG: path.join(dir, 'kubeconfig'),
        KUBE_CONTEXT: 'test',
        ELWOSA_IMAGE_REPOSITORY: 'registry.example.com/elwosa/elwosa',
        ELWOSA_IMAGE_TAG: '9.9.9',
      },
    });
    expect(stderr).toContain('applied ElwosaStack default/dev');
    const spec = stackOf(server, 'dev')?.spec as { image: unknown; ai: { defaultModel: string } };
    expect(spec.image).toMatchObject({
      repository: 'registry.example.com/elwosa/elwosa',
      tag: '9.9.9',
    });
    expect(spec.ai.defaultModel).toBe('qwen2.5:0.5b');
  });
});
