// Who a request is counted against: the user (`sub`) once the token is verified, otherwise the
// client address. The address is req.ip, which honours only the configured trusted proxy hops,
// so a client rotating X-Forwarded-For stays one subject. IPv6 clients are counted per /64,
// the smallest block a single host is usually given; IPv4-mapped addresses count as IPv4.
import { isIPv4, isIPv6 } from 'node:net';

export type RateLimitSubject = { kind: 'user'; key: string } | { kind: 'ip'; key: string };

function expandIPv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}

/** The bucket an address is counted in: IPv4 as is, IPv6 by its /64 prefix. */
export function addressBucket(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const groups = expandIPv6(ip.split('%')[0]!)
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16));
  return `${groups.join(':')}::/64`;
}

export function rateLimitSubject(userId: string | undefined, ip: string | undefined): RateLimitSubject {
  if (userId !== undefined) return { kind: 'user', key: `user:${userId}` };
  return { kind: 'ip', key: `ip:${addressBucket(ip ?? 'unknown')}` };
}
