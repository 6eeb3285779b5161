// What to do after an attempt failed before anything reached the client (pure): retrying
// elsewhere helps for replica trouble (connect, 5xx, 429, timeouts, broken streams) and for a
// replica that lacks the model; a client error (400, unsupported tools …) fails the call; an
// abort ends it; anything else moves on to the next fallback model.
import type { ProviderError } from '../domain/types.js';
import { isModelMissing, shouldEject } from './cooldown.js';

export type RetryStep = 'abort' | 'client-error' | 'model-missing' | 'retry' | 'next-model';

export function retryStep(err: ProviderError): RetryStep {
  if (err.kind === 'aborted') return 'abort';
  if (isModelMissing(err)) return 'model-missing';
  if (err.kind === 'status' && err.status !== undefined && err.status < 500 && err.status !== 429)
    return 'client-error';
  return shouldEject(err) ? 'retry' : 'next-model';
}
