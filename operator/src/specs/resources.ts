import type { V1ResourceRequirements } from '@kubernetes/client-node';

type QuantityMap = Record<string, string | number> | undefined;

function quantities(map: QuantityMap): Record<string, string> | undefined {
  if (!map || Object.keys(map).length === 0) return undefined;
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, String(v)]));
}

/** Spec resources → core/v1 ResourceRequirements, plus extended resources (requests = limits). */
export function resourceRequirements(
  spec: { requests?: QuantityMap; limits?: QuantityMap },
  extended: Record<string, string> = {},
): V1ResourceRequirements {
  const requests = { ...quantities(spec.requests), ...extended };
  const limits = { ...quantities(spec.limits), ...extended };
  const out: V1ResourceRequirements = {};
  if (Object.keys(requests).length > 0) out.requests = requests;
  if (Object.keys(limits).length > 0) out.limits = limits;
  return out;
}
