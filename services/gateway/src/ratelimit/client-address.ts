// The client address and scheme of a raw request (WebSocket upgrades and proxied requests, which
// express never sees), resolved exactly as express resolves req.ip with a numeric `trust proxy`:
// walk from the socket address back through X-Forwarded-For, trusting `hops` proxies and no
// more, so forged entries further left are never used.
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  hops: number,
): string | undefined {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? '');
  const forwarded = header
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .reverse();
  const chain = [remoteAddress, ...forwarded];
  return chain[Math.min(hops, chain.length - 1)];
}

/**
 * The scheme the client used, as express resolves req.protocol with a numeric `trust proxy`:
 * the connection's own unless a trusted proxy is in front, then the first X-Forwarded-Proto.
 */
export function clientProtocol(
  encrypted: boolean,
  forwardedProto: string | string[] | undefined,
  hops: number,
): string {
  const own = encrypted ? 'https' : 'http';
  if (hops < 1) return own;
  const header = (Array.isArray(forwardedProto) ? forwardedProto[0] : forwardedProto) ?? own;
  const first = header.split(',')[0]?.trim();
  return first || own;
}
