// A tiny JSON client for the integration tests.

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body: body as T, headers: res.headers };
  }

  get = <T = Record<string, unknown>>(path: string, token?: string) =>
    this.call<T>('GET', path, token ? { token } : {});
  post = <T = Record<string, unknown>>(path: string, body?: unknown, token?: string) =>
    this.call<T>('POST', path, { ...(body !== undefined ? { body } : {}), ...(token ? { token } : {}) });
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  user: { id: string; roles: string[]; email: string };
}

let counter = 0;
export const uniqueEmail = (prefix = 'user') =>
  `${prefix}-${Date.now().toString(36)}-${++counter}@example.com`;
export const PASSWORD = 'correct horse battery staple';

export async function registerAndLogin(
  api: Api,
  email = uniqueEmail(),
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<Tokens> {
  const reg = await api.call('POST', '/api/auth/register', {
    body: { email, password, name: 'Test User' },
    headers,
  });
  if (reg.status !== 202) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await api.call<Tokens>('POST', '/api/auth/login', { body: { email, password }, headers });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return login.body;
}
