// Problems the bridge answers with: problem+json (RFC 9457) like every ELWOSA service, plus an
// OpenAI-style `error: {message, type, code}` member so OpenAI clients show a useful message.
import { HttpProblem } from '@elwosa/runtime';
import type { ProviderError } from './types.js';

export function aiProblem(
  status: number,
  message: string,
  code: string,
  retryAfterSeconds?: number,
): HttpProblem {
  const type =
    status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return new HttpProblem(status, message, {
    extensions: { error: { message, type, code } },
    ...(retryAfterSeconds !== undefined
      ? { headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) } }
      : {}),
  });
}

export const noProviderProblem = () =>
  aiProblem(503, 'no model provider configured (set OLLAMA_URLS or OPENAI_API_KEY)', 'no_provider', 30);

export const modelNotFoundProblem = (model: string) =>
  aiProblem(404, `model "${model}" is not available`, 'model_not_found');

/** A 4xx from the provider that retrying elsewhere cannot fix (bad request, unsupported tools …). */
export const upstreamClientProblem = (err: ProviderError) =>
  aiProblem(err.status === 413 ? 413 : 400, err.message, 'upstream_rejected');

/** Every attempt failed before the first byte. */
export function exhaustedProblem(err: ProviderError | undefined): HttpProblem {
  if (err?.kind === 'timeout')
    return aiProblem(504, `the model did not answer in time: ${err.message}`, 'upstream_timeout', 1);
  return aiProblem(
    503,
    `no model replica could answer${err ? `: ${err.message}` : ''}`,
    'upstream_unavailable',
    err?.retryAfterSeconds ?? 1,
  );
}
