// What can go wrong when calling the model, as a small set of codes with a message the user
// can act on. "No provider configured" comes from ai-bridge as a 503 whose detail says so.
import { APIConnectionError, APIError, APIUserAbortError } from 'openai';

export type ModelErrorCode =
  | 'no_model_configured'
  | 'model_not_found'
  | 'model_unavailable'
  | 'rate_limited'
  | 'stopped'
  | 'timeout'
  | 'invalid_output'
  | 'model_error';

export const NO_MODEL_MESSAGE =
  'No AI model is configured. An administrator needs to connect a model provider (OLLAMA_URLS or OPENAI_API_KEY) before the assistant can answer.';

export class ModelError extends Error {
  override readonly name = 'ModelError';
  constructor(
    readonly code: ModelErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const noModelConfigured = (): ModelError => new ModelError('no_model_configured', NO_MODEL_MESSAGE);

/** The human-readable reason inside an APIError (OpenAI `error.message` or a problem's `detail`). */
export function errorDetail(err: APIError): string {
  const body = err.error as { message?: unknown; detail?: unknown } | undefined;
  if (typeof body?.message === 'string') return body.message;
  if (typeof body?.detail === 'string') return body.detail;
  return err.message;
}

const NO_PROVIDER = /no (model )?(provider|model)s? (is )?configured/i;

export function classifyModelError(err: unknown, reason?: 'stopped' | 'timeout'): ModelError {
  if (reason === 'stopped') return new ModelError('stopped', 'stopped');
  if (reason === 'timeout') return new ModelError('timeout', 'The reply took too long and was cut off.');
  if (err instanceof ModelError) return err;
  if (err instanceof APIUserAbortError) return new ModelError('stopped', 'stopped');
  if (err instanceof APIConnectionError)
    return new ModelError(
      'model_unavailable',
      'The AI service cannot be reached right now; try again shortly.',
    );
  if (err instanceof APIError) {
    const detail = errorDetail(err);
    if (err.status === 503 && NO_PROVIDER.test(detail)) return noModelConfigured();
    if (err.status === 429) {
      const retry = Number(err.headers?.get('retry-after'));
      return new ModelError(
        'rate_limited',
        'Too many AI requests right now; try again shortly.',
        Number.isFinite(retry) && retry > 0 ? retry : undefined,
      );
    }
    if (err.status === 404) return new ModelError('model_not_found', `The model is not available: ${detail}`);
    if (err.status !== undefined && err.status >= 500)
      return new ModelError('model_unavailable', `The AI service failed: ${detail}`);
    if (err.status === undefined) return new ModelError('model_error', `The model stream failed: ${detail}`);
    return new ModelError('model_error', `The AI service refused the request: ${detail}`);
  }
  if (err instanceof SyntaxError) return new ModelError('model_error', 'The model sent a malformed stream.');
  return new ModelError('model_error', err instanceof Error ? err.message : String(err));
}
