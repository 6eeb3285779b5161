// The stack's status from what was observed: conditions, components, phase. Pure.
import type { ComponentStatus, Condition, ConditionType, Phase, StackStatus } from '../api/elwosastack.js';
import type { Target } from '../api/targets.js';
import { type ConditionInput, mergeConditions } from './conditions.js';
import type { JobState, Readiness } from './readiness.js';

export interface Observation {
  generation: number;
  previous: StackStatus | undefined;
  now: string;
  version: string;
  gatewayURL: string;
  database: Readiness;
  cache: Readiness;
  migrations: { state: JobState; message: string };
  /** Enabled targets only; undefined readiness: not applied yet (waiting for migrations). */
  targets: Partial<Record<Target, Readiness>>;
  ollama: (Readiness & { unschedulable?: string; gpu: boolean; modelCount: number }) | undefined;
  openAIConfigured: boolean;
  monitoring: { status: 'True' | 'False' | 'Unknown'; reason: string; message: string };
  /** The last apply failed with this message. */
  applyError: string | undefined;
  /** A Degraded cause the reconciler saw (e.g. an immutable field). */
  degraded?: { reason: string; message: string };
  /** The spec violates the schema (the API server did not validate it): nothing was applied. */
  invalidSpec?: string;
}

const cond = (
  type: ConditionType,
  ok: boolean | 'Unknown',
  reason: string,
  message: string,
): ConditionInput => ({
  type,
  status: ok === 'Unknown' ? 'Unknown' : ok ? 'True' : 'False',
  reason,
  message,
});

function inference(o: Observation): { inference: ConditionInput; models: ConditionInput } {
  const ol = o.ollama;
  if (!ol) {
    return {
      inference: o.openAIConfigured
        ? cond('InferenceReady', true, 'OpenAIConfigured', 'inference through the OpenAI API')
        : cond('InferenceReady', false, 'NoInferenceBackend', 'neither Ollama nor OpenAI is configured'),
      models: cond('ModelsReady', true, 'NoLocalModels', 'Ollama is disabled'),
    };
  }
  if (ol.unschedulable) {
    const reason = ol.gpu ? 'GpuUnschedulable' : 'Unschedulable';
    const message = `Ollama pods are Pending: ${ol.unschedulable}`;
    return {
      inference: cond('InferenceReady', false, reason, message),
      models: cond('ModelsReady', false, reason, message),
    };
  }
  const anyReady = (ol.readyReplicas ?? 0) > 0;
  return {
    inference: anyReady
      ? cond('InferenceReady', true, 'OllamaReady', ol.message)
      : cond('InferenceReady', false, 'OllamaStarting', ol.message),
    models: ol.ready
      ? cond('ModelsReady', true, 'ModelsPulled', `${ol.modelCount} model(s) present in every replica`)
      : cond('ModelsReady', false, 'ModelsPulling', `models are being pulled: ${ol.message}`),
  };
}

export function computeStatus(o: Observation): StackStatus {
  const database = cond('DatabaseReady', o.database.ready, o.database.reason, o.database.message);
  const cache = cond('CacheReady', o.cache.ready, o.cache.reason, o.cache.message);
  const { inference: inferenceReady, models } = inference(o);
  const monitoring = cond(
    'MonitoringReady',
    o.monitoring.status === 'Unknown' ? 'Unknown' : o.monitoring.status === 'True',
    o.monitoring.reason,
    o.monitoring.message,
  );
  const targets = Object.entries(o.targets) as [Target, Readiness | undefined][];
  const notReadyTargets = targets.filter(([, r]) => !r?.ready).map(([t]) => t);

  const invalid = o.invalidSpec ? { reason: 'InvalidSpec', message: o.invalidSpec } : undefined;
  const degradedCause =
    invalid ??
    o.degraded ??
    (o.migrations.state === 'failed'
      ? { reason: 'MigrationsFailed', message: o.migrations.message }
      : undefined) ??
    (o.ollama?.unschedulable
      ? { reason: inferenceReady.reason, message: inferenceReady.message }
      : undefined) ??
    (o.applyError ? { reason: 'ApplyFailed', message: o.applyError } : undefined);
  const degraded = degradedCause
    ? cond('Degraded', true, degradedCause.reason, degradedCause.message)
    : cond('Degraded', false, 'AsExpected', 'no problems detected');
  const reconciled = invalid
    ? cond('Reconciled', false, invalid.reason, invalid.message)
    : o.applyError
      ? cond('Reconciled', false, 'ApplyFailed', o.applyError)
      : cond('Reconciled', true, 'ApplySucceeded', 'every desired object is applied');

  // The first thing that keeps the stack from being Ready, in bring-up order.
  const blocker: [string, string] | undefined = invalid
    ? [invalid.reason, invalid.message]
    : !o.database.ready
      ? ['WaitingForDatabase', o.database.message]
      : !o.cache.ready
        ? ['WaitingForCache', o.cache.message]
        : o.migrations.state !== 'succeeded'
          ? [
              o.migrations.state === 'failed' ? 'MigrationsFailed' : 'WaitingForMigrations',
              o.migrations.message,
            ]
          : notReadyTargets.length > 0
            ? ['ServicesNotReady', `not ready: ${notReadyTargets.join(', ')}`]
            : inferenceReady.status !== 'True'
              ? [inferenceReady.reason, inferenceReady.message]
              : undefined;
  const ready = blocker
    ? cond('Ready', false, blocker[0], blocker[1])
    : cond('Ready', true, 'AllComponentsReady', `the stack is ready at ${o.gatewayURL}`);
  const progressing =
    blocker && !degradedCause
      ? cond('Progressing', true, blocker[0], blocker[1])
      : cond(
          'Progressing',
          false,
          blocker ? 'Stalled' : 'Complete',
          blocker ? 'progress is blocked, see Degraded' : 'rollout complete',
        );

  const inputs = [
    ready,
    progressing,
    degraded,
    reconciled,
    database,
    cache,
    inferenceReady,
    models,
    monitoring,
  ];
  const conditions: Condition[] = mergeConditions(o.previous?.conditions, inputs, o.generation, o.now);
  // Pending: the platform has never run yet and its data stores are still coming up.
  const neverRan = o.previous?.version === undefined;
  const phase: Phase = !blocker
    ? 'Ready'
    : degradedCause
      ? 'Degraded'
      : neverRan && (!o.database.ready || !o.cache.ready)
        ? 'Pending'
        : 'Progressing';

  const components: Record<string, ComponentStatus> = {};
  const put = (name: string, r: Readiness) => {
    components[name] = {
      ready: r.ready,
      ...(r.replicas !== undefined ? { replicas: r.replicas } : {}),
      ...(r.readyReplicas !== undefined ? { readyReplicas: r.readyReplicas } : {}),
      ...(r.image ? { image: r.image } : {}),
      message: r.message.slice(0, 1024),
    };
  };
  put('database', o.database);
  put('cache', o.cache);
  put('migrations', {
    ready: o.migrations.state === 'succeeded',
    reason: o.migrations.state,
    message: o.migrations.message,
  });
  for (const [t, r] of targets)
    put(t, r ?? { ready: false, reason: 'Waiting', message: 'waiting for migrations' });
  if (o.ollama) put('ollama', o.ollama);

  const version = o.migrations.state === 'succeeded' ? o.version : o.previous?.version;
  return {
    observedGeneration: o.generation,
    phase,
    ...(version ? { version } : {}),
    gatewayURL: o.gatewayURL,
    conditions,
    components,
  };
}
