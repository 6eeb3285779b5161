// Whether a request carries a body (RFC 9112 §6.3): a non-zero Content-Length or any
// Transfer-Encoding. Services check its media type, the gateway reads it before proxying.
import type { IncomingMessage } from 'node:http';

export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}
