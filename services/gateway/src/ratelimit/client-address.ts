// The client address of a raw request (a WebSocket upgrade, which express never sees), resolved
// exactly as express resolves req.ip with a numeric `trust proxy`: walk from the socket address
// back through X-Forwarded-For, trusting `hops` proxies and no more, so forged entries further
// left are never used.
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
