// Limits on parsed JSON bodies: bounded nesting depth, and prototype-pollution keys removed
// (JSON.parse creates them as own properties; later spreads or merges would act on them).

export const MAX_JSON_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Returns false when the value nests deeper than `maxDepth`; strips forbidden keys in place. */
export function sanitizeJson(value: unknown, maxDepth = MAX_JSON_DEPTH): boolean {
  const stack: Array<{ node: unknown; depth: number }> = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return false;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, depth: depth + 1 });
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (FORBIDDEN_KEYS.has(key)) {
        delete record[key];
        continue;
      }
      stack.push({ node: record[key], depth: depth + 1 });
    }
  }
  return true;
}
