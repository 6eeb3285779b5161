// The one place that talks HTTP to the platform: JSON in and out, the bearer token, one refresh
// and retry on 401, problem+json errors as ApiError, and network failures as NetworkError (the
// offline queue keys on it).
import type { TokenStore } from '../auth/tokens';

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  requestId?: string;
  errors?: { path?: (string | number)[]; message?: string }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('the platform cannot be reached', { cause });
    this.name = 'NetworkError';
  }
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** false for the public auth calls (no token, no refresh). */
  auth?: boolean;
  signal?: AbortSignal;
}

export interface HttpResponse<T> {
  status: number;
  headers: Headers;
  data: T;
}

export function toQueryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) return res.json();
  return res.text();
}

export class Http {
  constructor(private readonly tokens: TokenStore) {}

  async request<T>(path: string, options: RequestOptions = {}): Promise<HttpResponse<T>> {
    const auth = options.auth !== false;
    let res = await this.send(path, options, auth);
    if (res.status === 401 && auth && (await this.tokens.refresh()))
      res = await this.send(path, options, auth);
    if (res.status === 401 && auth) this.tokens.clear();
    const data = await parseBody(res);
    if (!res.ok) {
      const problem = (data && typeof data === 'object' ? data : { status: res.status }) as Problem;
      throw new ApiError(res.status, { ...problem, status: res.status });
    }
    return { status: res.status, headers: res.headers, data: data as T };
  }

  async json<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.request<T>(path, options)).data;
  }

  private async send(path: string, options: RequestOptions, auth: boolean): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (auth) {
      const token = this.tokens.accessToken ?? (await this.tokens.refresh())?.accessToken;
      if (token) headers.Authorization = `Bearer ${token}`;
    }
    try {
      return await fetch(`${path}${toQueryString(options.query)}`, {
        method: options.method ?? 'GET',
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new NetworkError(err);
    }
  }
}
