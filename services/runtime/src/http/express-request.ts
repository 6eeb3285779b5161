// What the runtime attaches to every express request.
import type { Logger } from 'pino';
import type { Identity } from '../identity/identity.js';

declare global {
  namespace Express {
    interface Request {
      /** The request id (X-Request-Id), kept from the caller when well formed. */
      id: string;
      /** A child logger carrying the request id. */
      log: Logger;
      /** Set by authenticated routes. */
      identity?: Identity;
    }
  }
}
