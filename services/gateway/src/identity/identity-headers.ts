// Identity travels upstream only in headers the gateway writes itself (SERVICES-NOTES must-have
// 8). Whatever a client sends that a service or framework could mistake for identity, or for a
// rewritten method or path, is dropped before the trusted values are added.
import type { Identity } from '@elwosa/runtime';

export const TRUSTED_IDENTITY_HEADERS = {
  userId: 'x-elwosa-user-id',
  sessionId: 'x-elwosa-session-id',
  roles: 'x-elwosa-roles',
} as const;

const SPOOFABLE_PREFIXES = [
  'x-elwosa-',
  'x-user',
  'x-auth-',
  'x-remote-',
  'x-forwarded-',
  'x-original-',
  'x-rewrite-',
  'x-http-method',
  'x-method-override',
];
const SPOOFABLE_EXACT = new Set([
  'remote-user',
  'x-roles',
  'x-real-ip',
  'forwarded',
  'x-client-ip',
  'true-client-ip',
]);

/** Client hints under the `x-elwosa-` prefix that carry no identity and pass through. */
export const CLIENT_HINT_HEADERS = new Set(['x-elwosa-conversation-id', 'x-elwosa-cache']);

/** True for a client-sent header that must never reach an upstream (`name` in lower case). */
export function isSpoofableHeader(name: string): boolean {
  if (CLIENT_HINT_HEADERS.has(name)) return false;
  return SPOOFABLE_EXACT.has(name) || SPOOFABLE_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export function trustedIdentityHeaders(identity: Identity): Record<string, string> {
  return {
    [TRUSTED_IDENTITY_HEADERS.userId]: identity.userId,
    [TRUSTED_IDENTITY_HEADERS.sessionId]: identity.sessionId,
    [TRUSTED_IDENTITY_HEADERS.roles]: identity.roles.join(','),
  };
}
