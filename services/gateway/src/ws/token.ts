// Where a WebSocket client may put its access token: the Authorization header, the
// `bearer.<token>` subprotocol (browsers), or an `access_token` query parameter (kept out of
// the logs by redactTarget).
import type { IncomingHttpHeaders } from 'node:http';
import { BEARER_SUBPROTOCOL_PREFIX } from './protocol.js';

export const TOKEN_QUERY_PARAM = 'access_token';

export function offeredSubprotocols(headers: IncomingHttpHeaders): string[] {
  const value = headers['sec-websocket-protocol'];
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The Authorization value to verify, or undefined when the client sent no token. */
export function upgradeAuthorization(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
): string | undefined {
  if (headers.authorization) return headers.authorization;
  const fromProtocol = offeredSubprotocols(headers).find((p) => p.startsWith(BEARER_SUBPROTOCOL_PREFIX));
  if (fromProtocol) return `Bearer ${fromProtocol.slice(BEARER_SUBPROTOCOL_PREFIX.length)}`;
  const fromQuery = query.get(TOKEN_QUERY_PARAM);
  return fromQuery ? `Bearer ${fromQuery}` : undefined;
}

/** The request target with any token parameter replaced, for logs. */
export function redactTarget(target: string): string {
  return target.replace(new RegExp(`([?&]${TOKEN_QUERY_PARAM}=)[^&]*`, 'gi'), '$1[redacted]');
}
