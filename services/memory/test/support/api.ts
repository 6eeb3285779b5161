// A small JSON client for the memory integration tests, and a signed-in user.
export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export class Api {
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | undefined } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }
}

let counter = 0;

export async function signUp(api: Api): Promise<{ token: string; userId: string }> {
  const email = `memory-${Date.now().toString(36)}-${++counter}@example.com`;
  const password = 'correct horse battery staple';
  const reg = await api.call('POST', '/api/auth/register', { body: { email, password, name: 'M' } });
  if (reg.status !== 202) throw new Error(`register: ${reg.status}`);
  const login = await api.call<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/login', {
    body: { email, password },
  });
  if (login.status !== 200) throw new Error(`login: ${login.status}`);
  return { token: login.body.accessToken, userId: login.body.user.id };
}
