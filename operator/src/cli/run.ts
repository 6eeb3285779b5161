// `elwosa-operator run`: in-cluster (service account) or from KUBECONFIG / ~/.kube/config.
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { parseWatchNamespaces } from '../controller/cache.js';
import { Operator } from '../controller/operator.js';

export async function runOperator(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string', default: 'elwosa-operator' },
      'probe-port': { type: 'string', default: '8080' },
      'dashboards-dir': { type: 'string' },
      'watch-namespaces': { type: 'string' },
    },
  });
  // Empty: all namespaces. The option wins over the environment.
  const watchNamespaces = parseWatchNamespaces(
    values['watch-namespaces'] ?? process.env.ELWOSA_WATCH_NAMESPACES,
  );
  if (values['dashboards-dir']) process.env.ELWOSA_DASHBOARDS_DIR = values['dashboards-dir'];
  const kc = new KubeConfig();
  kc.loadFromDefault();
  const operator = new Operator(kc, {
    leaseName: values['lease-name'],
    probePort: Number(values['probe-port']),
    watchNamespaces,
    ...(values['lease-namespace'] ? { leaseNamespace: values['lease-namespace'] } : {}),
  });
  await operator.start();
  operator.options.log('info', 'elwosa-operator started', {
    identity: operator.options.identity,
    probePort: operator.probePort,
    watchNamespaces: watchNamespaces.length > 0 ? watchNamespaces : 'all',
  });
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      operator.options.log('info', 'shutting down', { signal });
      const force = setTimeout(() => resolve(1), 25_000);
      force.unref();
      operator.stop().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  });
}
