// The security headers on every response (helmet, with a CSP that allows nothing: services
// answer JSON, the gateway's dashboard sets its own policy). helmet stays the one source of the
// values, but it runs once, at start: its middleware chain set a dozen headers one by one on
// every request; here they are captured into one list applied with a single call.
import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

export type HeaderList = ReadonlyMap<string, string>;

const API_HELMET_OPTIONS: Parameters<typeof helmet>[0] = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-origin' },
};

/** The headers helmet sets with `options`, captured by running it once against a recorder. */
export function captureHelmetHeaders(options: Parameters<typeof helmet>[0] = API_HELMET_OPTIONS): HeaderList {
  const headers = new Map<string, string>();
  const recorder = {
    setHeader(name: string, value: string | number) {
      headers.set(name, String(value));
    },
    removeHeader(name: string) {
      headers.delete(name);
    },
  };
  let finished = false;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
    finished = true;
  });
  // helmet's chain is synchronous; anything else would mean a header was missed.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return headers;
}

export const SECURITY_HEADERS: HeaderList = captureHelmetHeaders();

export function applySecurityHeaders(res: ServerResponse, headers: HeaderList = SECURITY_HEADERS): void {
  res.setHeaders(headers as Map<string, string>);
}
