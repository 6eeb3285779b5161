// `elwosa start --target …`: starts the chosen services in this process (backends first, the
// gateway last) and shuts them down gracefully on SIGTERM/SIGINT.
import { parseTargets, type RunningService, reclaimStartupMemory, type Target } from '@elwosa/runtime';
import { UsageError } from '../args.js';
import { createPlatform, loadPlatformConfig } from '../platform.js';
import { availableTargets, serviceEntry } from '../service-registry.js';

function parseTargetSpec(spec: string): Target[] {
  if (spec.split(',').some((t) => t.trim() === 'all')) return availableTargets();
  try {
    return parseTargets(spec);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

export function resolveTargets(spec: string): Target[] {
  const requested = parseTargetSpec(spec);
  const missing = requested.filter((t) => !serviceEntry(t));
  if (missing.length > 0) {
    throw new UsageError(
      `target(s) not in this build: ${missing.join(', ')} (available: ${availableTargets().join(', ')})`,
    );
  }
  // Start order: the registry's order (backends before the gateway).
  return availableTargets().filter((t) => requested.includes(t));
}

export async function startCommand(targetSpec: string): Promise<RunningService[]> {
  const targets = resolveTargets(targetSpec);
  const config = loadPlatformConfig(targets);
  const needsDatabase = targets.some((t) => serviceEntry(t)?.migrations);
  const { deps, logger } = await createPlatform(config, needsDatabase);
  deps.lifecycle.installSignalHandlers();
  const running: RunningService[] = [];
  try {
    for (const target of targets) running.push(await serviceEntry(target)!.start(deps));
  } catch (err) {
    logger.fatal({ err }, 'start failed');
    await deps.lifecycle.shutdown('start failed');
    deps.lifecycle.exitAfterFlush(1);
    return running;
  }
  const gcMs = Math.round(reclaimStartupMemory());
  logger.info({ targets: running.map((r) => `${r.target}:${r.port}`), gcMs }, 'ELWOSA started');
  return running;
}
