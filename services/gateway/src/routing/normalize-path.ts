// Request paths are normalised before anything routes, authorises or rate-limits on them, and
// the normalised path is what the upstream receives, so the gateway and the service always
// agree on which resource is meant. RFC 3986 §6.2.2: percent-encoded unreserved characters are
// decoded (`%2e` is a dot, `%61` an `a`), dot segments are resolved, and empty segments (`//`,
// trailing slash) dropped. Encoded slashes and backslashes, NUL and control characters, broken
// percent escapes and `..` above the root are rejected: no service needs them and they are the
// raw material of path-confusion attacks.

export type NormalizedPath = { ok: true; path: string } | { ok: false; reason: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
// Controls (C0, DEL), backslash and whitespace never appear in a well-formed path.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to reject them
const FORBIDDEN_RAW = /[\u0000-\u0020\u007f\\]/;

const reject = (reason: string): NormalizedPath => ({ ok: false, reason });

/** Decodes percent-encoded unreserved characters; rejects encodings that change the path structure. */
function decodeUnreserved(segment: string): string | undefined {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const ch = segment[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const hex = segment.slice(i + 1, i + 3);
    if (!HEX_PAIR.test(hex)) return undefined;
    const code = Number.parseInt(hex, 16);
    const decoded = String.fromCharCode(code);
    // `/` `\` would split or merge segments after decoding; controls and NUL are never legitimate.
    if (decoded === '/' || decoded === '\\' || code < 0x20 || code === 0x7f) return undefined;
    out += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  return out;
}

export function normalizePath(rawPath: string): NormalizedPath {
  if (!rawPath.startsWith('/')) return reject('the path must start with /');
  if (FORBIDDEN_RAW.test(rawPath)) return reject('the path contains a forbidden character');
  const segments: string[] = [];
  for (const raw of rawPath.split('/')) {
    const segment = decodeUnreserved(raw);
    if (segment === undefined) return reject('the path contains a forbidden percent-encoding');
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return reject('the path leaves the root');
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return { ok: true, path: `/${segments.join('/')}` };
}

/** Splits a request target into its path and its query string (with the `?`, or ''). */
export function splitTarget(url: string): { path: string; query: string } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: '' } : { path: url.slice(0, q), query: url.slice(q) };
}
