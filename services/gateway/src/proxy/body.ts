// Request bodies are read into memory before proxying (they are small: at most 1 MB), so a
// declared Content-Length over the limit is refused with 413 before a byte is read, a chunked
// body that grows past it is refused before the upstream is contacted, and an idempotent
// request can be replayed once after a connect error.
import type { IncomingMessage } from 'node:http';
import { hasBody, problems } from '@elwosa/runtime';

export const MAX_BODY_BYTES = 1024 * 1024;

/** Throws 413 when the declared length is over the limit. */
export function checkDeclaredLength(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) throw problems.payloadTooLarge();
}

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer | undefined> {
  if (!hasBody(req)) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw problems.payloadTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks, size);
}
