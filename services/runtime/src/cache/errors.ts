/** The backend cannot be reached (down, reconnecting, timed out) or the bus was closed. Retry later. */
export class CacheUnavailableError extends Error {
  override readonly name = 'CacheUnavailableError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
