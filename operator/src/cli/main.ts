#!/usr/bin/env node
// elwosa-operator: `run` (the controller), `render -f <stack.yaml>` (offline), `crd` (the CRD YAML).
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { renderCrdYaml } from '../api/crd.js';
import { updateReference } from '../api/reference.js';
import { parseWatchNamespaces } from '../controller/cache.js';
import { operatorRbac } from '../controller/rbac.js';
import { loadDashboards } from '../dashboards.js';
import { renderManifest } from '../render.js';
import { generateSecrets } from '../secrets.js';
import { toYamlStream } from '../yaml.js';

const USAGE = `usage:
  elwosa-operator render -f <stack.yaml> [--no-monitoring-crds] [--no-cloudnativepg] [--dashboards <dir>]
  elwosa-operator crd [-o <file>]
  elwosa-operator docs -f docs/operator.md   (regenerates the spec and status reference tables)
  elwosa-operator rbac [--namespace elwosa-system] [--watch-namespaces ns1,ns2]
                      (the operator's ClusterRole or per-namespace Roles, the Lease Role, bindings)
  elwosa-operator run [--lease-namespace <ns>] [--lease-name elwosa-operator] [--probe-port 8080]
                      [--dashboards-dir <dir>] [--watch-namespaces ns1,ns2]
                      (in-cluster, or KUBECONFIG / ~/.kube/config)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'render': {
      const { values } = parseArgs({
        args: rest,
        options: {
          file: { type: 'string', short: 'f' },
          'no-monitoring-crds': { type: 'boolean', default: false },
          'no-cloudnativepg': { type: 'boolean', default: false },
          dashboards: { type: 'string' },
        },
      });
      if (!values.file) throw new UsageError('render needs -f <stack.yaml>');
      const text = values.file === '-' ? readFileSync(0, 'utf8') : readFileSync(values.file, 'utf8');
      const objects = renderManifest(text, {
        capabilities: {
          monitoring: !values['no-monitoring-crds'],
          cloudNativePG: !values['no-cloudnativepg'],
        },
        dashboards: loadDashboards(values.dashboards),
        secrets: generateSecrets(),
      });
      process.stdout.write(toYamlStream(objects));
      return 0;
    }
    case 'crd': {
      const { values } = parseArgs({ args: rest, options: { output: { type: 'string', short: 'o' } } });
      if (values.output) writeFileSync(values.output, renderCrdYaml());
      else process.stdout.write(renderCrdYaml());
      return 0;
    }
    case 'docs': {
      const { values } = parseArgs({ args: rest, options: { file: { type: 'string', short: 'f' } } });
      if (!values.file) throw new UsageError('docs needs -f <markdown file>');
      writeFileSync(values.file, updateReference(readFileSync(values.file, 'utf8')));
      return 0;
    }
    case 'rbac': {
      const { values } = parseArgs({
        args: rest,
        options: {
          namespace: { type: 'string', default: 'elwosa-system' },
          'watch-namespaces': { type: 'string' },
        },
      });
      const watch = parseWatchNamespaces(values['watch-namespaces']);
      process.stdout.write(toYamlStream(operatorRbac(values.namespace, 'elwosa-operator', watch)));
      return 0;
    }
    case 'run': {
      const { runOperator } = await import('./run.js');
      return runOperator(rest);
    }
    default:
      throw new UsageError(command ? `unknown command ${command}` : 'a command is required');
  }
}

class UsageError extends Error {}

// `render | head` closes the pipe early; that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(
      err instanceof UsageError
        ? `${err.message}\n${USAGE}`
        : `error: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
