// The requests that reach express (upstream-handler.ts sends everything it proxies past it):
// the gateway's own routes — the OpenAPI document, and `/ws` asked for without an upgrade —
// and paths nobody serves, which fall through to the 404 problem. Each is counted against the
// client address's rate limit, so unknown paths cannot be probed without limit either.
import { HttpProblem, problems } from '@elwosa/runtime';
import type { RequestHandler } from 'express';
import type { Admit } from './identity/admission.js';
import { normalizePath, splitTarget } from './routing/normalize-path.js';
import { matchRoute } from './routing/route-table.js';

export interface OwnRoutesOptions {
  admit: Admit;
  /** The serialised OpenAPI document. */
  openApiJson: string;
}

export function createOwnRoutesHandler(options: OwnRoutesOptions): RequestHandler {
  return async (req, res, next) => {
    const normalized = normalizePath(splitTarget(req.url).path);
    if (!normalized.ok) throw problems.badRequest(normalized.reason);
    const match = matchRoute(normalized.path);
    const admission = await options.admit({ authorization: undefined, credential: 'none', ip: req.ip });
    res.set(admission.headers);
    if (admission.problem) throw admission.problem;
    if (match.kind !== 'gateway') {
      next();
      return;
    }
    if (match.name === 'ws') {
      throw new HttpProblem(426, 'use a WebSocket upgrade', {
        title: 'Upgrade Required',
        headers: { Upgrade: 'websocket', Connection: 'Upgrade' },
      });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      throw new HttpProblem(405, 'only GET', { headers: { Allow: 'GET, HEAD' } });
    }
    res.type('application/json').send(options.openApiJson);
  };
}
