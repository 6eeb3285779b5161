// Minimal fake embedding providers on node:http (127.0.0.1, free port): Ollama's
// `POST /api/embed` and OpenAI's `POST /v1/embeddings`, answering with the hashing embedder's
// vectors (so similarity is meaningful) and recording every request.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hashEmbed } from '../../src/embedding/hash-embedder.js';

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

export interface FakeServer {
  url: string;
  requests: RecordedRequest[];
  /** Next answers: a status with a JSON body instead of embeddings (consumed in order). */
  failNext(status: number, body: unknown, times?: number): void;
  close(): Promise<void>;
}

type Handler = (body: Record<string, unknown>, res: ServerResponse) => void;

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function start(routes: Record<string, Handler>): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const failures: Array<{ status: number; body: unknown }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>)
        : {};
      const path = req.url ?? '';
      requests.push({ path, headers: req.headers, body });
      const failure = failures.shift();
      if (failure) return send(res, failure.status, failure.body);
      const route = routes[`${req.method} ${path}`];
      if (!route) return send(res, 404, { error: 'not found' });
      route(body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    failNext: (status, body, times = 1) => {
      for (let i = 0; i < times; i++) failures.push({ status, body });
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const inputs = (input: unknown): string[] => (Array.isArray(input) ? (input as string[]) : [String(input)]);

export function startFakeOllama(dim = 64): Promise<FakeServer> {
  return start({
    'POST /api/embed': (body, res) =>
      send(res, 200, {
        model: body.model,
        embeddings: inputs(body.input).map((t) => Array.from(hashEmbed(t, dim))),
        total_duration: 1000,
        load_duration: 10,
        prompt_eval_count: 3,
      }),
  });
}

export function startFakeOpenAi(dim = 48): Promise<FakeServer> {
  return start({
    'POST /v1/embeddings': (body, res) => {
      const data = inputs(body.input).map((t, index) => ({
        object: 'embedding',
        index,
        embedding: Array.from(hashEmbed(t, dim)),
      }));
      // Out of order on purpose: clients must sort by index.
      send(res, 200, {
        object: 'list',
        data: data.reverse(),
        model: body.model,
        usage: { prompt_tokens: 3, total_tokens: 3 },
      });
    },
  });
}
