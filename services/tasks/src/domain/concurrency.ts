// Optimistic concurrency over HTTP: the ETag is the task's version; If-Match names the
// version a write expects (RFC 9110: strong comparison, so weak tags never match).
import { problems } from '@elwosa/runtime';

export const etagOf = (version: number): string => `"${version}"`;

/** What an If-Match header asks for: nothing, any current version (`*`), or specific versions. */
export type Precondition = { kind: 'none' } | { kind: 'any' } | { kind: 'versions'; versions: number[] };

const ENTITY_TAG = /^(W\/)?"([^"]*)"$/;

/** Parses If-Match; a malformed header is 400 (a garbage tag never silently matches). */
export function parseIfMatch(header: string | undefined): Precondition {
  if (header === undefined) return { kind: 'none' };
  const value = header.trim();
  if (value === '*') return { kind: 'any' };
  const versions: number[] = [];
  for (const part of value.split(',')) {
    const m = ENTITY_TAG.exec(part.trim());
    if (!m) throw problems.badRequest('If-Match must be "*" or a list of entity tags');
    // Weak tags and tags that are not versions are well-formed but can never match.
    if (!m[1] && /^\d{1,9}$/.test(m[2]!)) versions.push(Number(m[2]));
  }
  return { kind: 'versions', versions };
}

/** Throws 412 when the task's current version does not satisfy the precondition. */
export function checkPrecondition(pre: Precondition, current: number): void {
  if (pre.kind === 'versions' && !pre.versions.includes(current)) throw problems.preconditionFailed();
}
