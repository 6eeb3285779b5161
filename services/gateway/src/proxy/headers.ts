// Header rewriting in both directions: hop-by-hop headers (RFC 9110 §7.6.1, including those the
// Connection header names) never cross the proxy; spoofable identity headers from the client
// are dropped; X-Forwarded-*, the request id and the trace context are set by the gateway.
import type { IncomingHttpHeaders } from 'node:http';

export type HeaderMap = Record<string, string | string[]>;

import { isSpoofableHeader } from '../identity/identity-headers.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  // Set per connection by the client library, never forwarded: the upstream's host, and
  // 100-continue, which the gateway's server has already answered.
  'host',
  'expect',
]);

const NOTHING_LISTED: ReadonlySet<string> = new Set();
/** Connection values that name no header (the common case: no set to build). */
const PLAIN_CONNECTION = new Set(['keep-alive', 'close']);

function connectionListed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  if (!value || PLAIN_CONNECTION.has(value.toLowerCase())) return NOTHING_LISTED;
  return new Set(
    value
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

function copyEndToEnd(headers: IncomingHttpHeaders, drop: (name: string) => boolean): HeaderMap {
  const listed = connectionListed(headers);
  const out: HeaderMap = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop(name)) continue;
    out[name] = value;
  }
  return out;
}

export interface ForwardingContext {
  /** The client address as resolved with the trusted proxy hops (req.ip). */
  clientIp: string;
  /** `http` or `https`, as seen by the client. */
  protocol: string;
  /** The Host the client addressed. */
  host: string | undefined;
  requestId: string;
  /** Headers the gateway adds (trusted identity, traceparent …); they win over everything. */
  extra: Record<string, string>;
}

/** Headers for the upstream request. */
export function upstreamRequestHeaders(incoming: IncomingHttpHeaders, ctx: ForwardingContext): HeaderMap {
  const out = copyEndToEnd(incoming, (name) => isSpoofableHeader(name) || name === 'x-request-id');
  out['x-forwarded-for'] = ctx.clientIp;
  out['x-forwarded-proto'] = ctx.protocol;
  if (ctx.host) out['x-forwarded-host'] = ctx.host;
  out['x-request-id'] = ctx.requestId;
  for (const [name, value] of Object.entries(ctx.extra)) out[name.toLowerCase()] = value;
  return out;
}

/**
 * Headers of the upstream response passed to the client: CORS stays the gateway's decision; a
 * Vary the gateway has already set (Origin, for CORS) is kept alongside the upstream's; and each
 * of `required` (the security headers; names in lower case) the upstream did not send is added.
 */
export function downstreamResponseHeaders(
  incoming: IncomingHttpHeaders,
  ownVary?: string | number | string[],
  required?: ReadonlyMap<string, string>,
): HeaderMap {
  const out = copyEndToEnd(incoming, (name) => name.startsWith('access-control-'));
  const upstreamVary = out.vary;
  if (ownVary !== undefined && upstreamVary !== undefined)
    out.vary = `${String(ownVary)}, ${String(upstreamVary)}`;
  if (required) for (const [name, value] of required) if (out[name] === undefined) out[name] = value;
  return out;
}
