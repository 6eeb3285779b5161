// A test Kubernetes API server: in memory, HTTP on loopback. It serves discovery, CRUD, lists
// with label selectors, watches with resourceVersions, server-side apply with field ownership,
// the status subresource and Tables for kubectl, and can inject failures and drop watches.
// What it does not model is listed in docs/operator.md ("The test API server").
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { discoveryDocument } from './discovery.js';
import { ConflictError, type KubeRecord } from './fields.js';
import { applyJsonPatch, type JsonPatchOp } from './json-patch.js';
import { groupVersion, type ResourceType } from './resources.js';
import { parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ControllerSimulation, type SimulationOptions } from './simulation.js';
import { ApiError, mergeJson, ObjectStore, type StoreEvent } from './store.js';
import { toTable } from './table.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType: string | undefined;
  status: number;
  watch: boolean;
  userAgent: string | undefined;
}

export interface Fault {
  method?: string;
  /** Matched against the path (without query). */
  path?: RegExp;
  status: 404 | 409 | 410 | 422 | 500 | 503;
  /** How many matching requests fail (default 1). */
  times?: number;
}

interface Route {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: 'status' | undefined;
}

const REASONS: Record<number, string> = {
  404: 'NotFound',
  409: 'Conflict',
  410: 'Expired',
  422: 'Invalid',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

export class TestApiServer {
  readonly store = new ObjectStore();
  readonly simulation: ControllerSimulation;
  readonly requests: RecordedRequest[] = [];
  private readonly faults: (Fault & { remaining: number })[] = [];
  private readonly watches = new Set<ServerResponse>();
  private server: Server | undefined;
  url = '';

  constructor(simulation: Partial<SimulationOptions> = {}) {
    this.simulation = new ControllerSimulation(this.store, simulation);
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.sendError(res, req, err));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    this.simulation.stop();
    this.dropWatches();
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }

  /** The next matching requests fail with the given status. */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  get openWatches(): number {
    return this.watches.size;
  }

  /** Close every open watch stream, as a restarting API server or a load balancer would. */
  dropWatches(): void {
    for (const res of this.watches) res.end();
    this.watches.clear();
  }

  /** Send `ERROR 410 Gone` on every open watch and forget history (clients must re-list). */
  expireWatches(): void {
    this.store.compact();
    for (const res of this.watches) {
      res.write(
        `${JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', 'too old resource version') })}\n`,
      );
      res.end();
    }
    this.watches.clear();
  }

  /** Writes (not GET, not watch) recorded since `from` (an index into `requests`). */
  writesSince(from: number): RecordedRequest[] {
    return this.requests.slice(from).filter((r) => r.method !== 'GET');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams);
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const watch = query.watch === 'true' || query.watch === '1';
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      query,
      contentType: req.headers['content-type'],
      status: 200,
      watch,
      userAgent: req.headers['user-agent'],
    };
    this.requests.push(record);
    res.on('finish', () => {
      record.status = res.statusCode;
    });
    const body = await readBody(req);

    const fault = this.faults.find(
      (f) => f.remaining > 0 && (!f.method || f.method === req.method) && (!f.path || f.path.test(path)),
    );
    if (fault) {
      fault.remaining--;
      throw new ApiError(fault.status, REASONS[fault.status] ?? 'Unknown', `injected ${fault.status}`);
    }

    const discovery = discoveryDocument(path, this.store.resourceTypes(), this.url.replace('http://', ''));
    if (discovery) return sendJson(res, 200, discovery);

    const route = this.route(path);
    if (!route)
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource (${path})`);
    const { type, namespace, name, subresource } = route;
    const manager = query.fieldManager ?? userAgentManager(req.headers['user-agent']);

    switch (req.method) {
      case 'GET': {
        if (name)
          return sendJson(
            res,
            200,
            this.maybeTable(req, type, [this.store.get(type, namespace, name)]) ??
              this.store.get(type, namespace, name),
          );
        if (watch) return this.watch(req, res, type, namespace, query);
        const items = this.store.list(type, namespace, query.labelSelector, query.fieldSelector);
        const rv = String(this.store.resourceVersion);
        return sendJson(
          res,
          200,
          this.maybeTable(req, type, items) ?? {
            apiVersion: groupVersion(type),
            kind: `${type.kind}List`,
            metadata: { resourceVersion: rv },
            // Like kube-apiserver: items of built-in lists carry no apiVersion/kind (custom
            // resources keep theirs).
            items: type.custom ? items : items.map(withoutTypeMeta),
          },
        );
      }
      case 'POST': {
        if (name) throw new ApiError(405, 'MethodNotAllowed', 'POST to a named resource');
        const obj = parseBody(body, req.headers['content-type']);
        return sendJson(res, 201, this.store.create(type, namespace, obj, { manager }));
      }
      case 'PUT': {
        if (!name) throw new ApiError(405, 'MethodNotAllowed', 'PUT needs a name');
        const obj = parseBody(body, req.headers['content-type']);
        return sendJson(
          res,
          200,
          this.store.update(type, namespace, name, obj, { manager, ...(subresource ? { subresource } : {}) }),
        );
      }
      case 'PATCH': {
        if (!name) throw new ApiError(405, 'MethodNotAllowed', 'PATCH needs a name');
        return sendJson(
          res,
          200,
          this.patch(
            type,
            namespace,
            name,
            subresource,
            req.headers['content-type'] ?? '',
            body,
            query,
            manager,
          ),
        );
      }
      case 'DELETE': {
        if (!name) throw new ApiError(405, 'MethodNotAllowed', 'DELETE needs a name');
        const options = body ? (JSON.parse(body) as { propagationPolicy?: string }) : {};
        const orphan = (query.propagationPolicy ?? options.propagationPolicy) === 'Orphan';
        return sendJson(res, 200, this.store.delete(type, namespace, name, orphan));
      }
      default:
        throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not supported`);
    }
  }

  private patch(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    subresource: 'status' | undefined,
    contentType: string,
    body: string,
    query: Record<string, string>,
    manager: string,
  ): KubeRecord {
    const opts = { manager, ...(subresource ? { subresource } : {}) };
    if (contentType.startsWith('application/apply-patch')) {
      if (!query.fieldManager)
        throw new ApiError(422, 'Invalid', 'fieldManager is required for apply requests');
      const intent = parseYaml(body) as KubeRecord;
      return this.store.apply(type, namespace, name, intent, { ...opts, force: query.force === 'true' });
    }
    if (
      contentType.startsWith('application/merge-patch+json') ||
      contentType.startsWith('application/strategic-merge-patch+json')
    ) {
      const patch = JSON.parse(body) as KubeRecord;
      if (subresource)
        return this.store.update(
          type,
          namespace,
          name,
          mergeJson(this.store.get(type, namespace, name), patch) as KubeRecord,
          opts,
        );
      return this.store.mergePatch(type, namespace, name, patch, opts);
    }
    if (contentType.startsWith('application/json-patch+json')) {
      const current = this.store.get(type, namespace, name);
      return this.store.update(
        type,
        namespace,
        name,
        applyJsonPatch(current, JSON.parse(body) as JsonPatchOp[]),
        opts,
      );
    }
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${contentType})`,
    );
  }

  private maybeTable(req: IncomingMessage, type: ResourceType, items: KubeRecord[]): KubeRecord | undefined {
    const accept = req.headers.accept ?? '';
    return accept.includes('as=Table') ? toTable(type, items, String(this.store.resourceVersion)) : undefined;
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    type: ResourceType,
    namespace: string | undefined,
    query: Record<string, string>,
  ): void {
    const matches = parseLabelSelector(query.labelSelector);
    const matchesFields = parseFieldSelector(query.fieldSelector);
    const relevant = (e: StoreEvent) => {
      if (`${e.type.group}/${e.type.plural}` !== `${type.group}/${type.plural}`) return false;
      const m = e.object.metadata as { namespace?: string; labels?: Record<string, string> };
      return (!namespace || m.namespace === namespace) && matches(m.labels) && matchesFields(e.object);
    };
    const rv = query.resourceVersion;
    let backlog: { type: string; object: KubeRecord }[];
    if (!rv || rv === '0') {
      backlog = this.store
        .list(type, namespace, query.labelSelector, query.fieldSelector)
        .map((object) => ({ type: 'ADDED', object }));
    } else {
      backlog = this.store
        .eventsSince(type, Number(rv))
        .filter(relevant)
        .map((e) => ({ type: e.event, object: e.object }));
    }
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    for (const e of backlog) res.write(`${JSON.stringify(e)}\n`);
    this.watches.add(res);
    const unsubscribe = this.store.subscribe((e) => {
      if (relevant(e)) res.write(`${JSON.stringify({ type: e.event, object: e.object })}\n`);
    });
    const timeout = query.timeoutSeconds
      ? setTimeout(() => res.end(), Number(query.timeoutSeconds) * 1000)
      : undefined;
    const close = () => {
      unsubscribe();
      if (timeout) clearTimeout(timeout);
      this.watches.delete(res);
    };
    res.on('close', close);
    req.on('close', close);
  }

  private route(path: string): Route | undefined {
    const segments = path.split('/').filter(Boolean);
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api' && segments.length >= 3) {
      group = '';
      version = segments[1] as string;
      rest = segments.slice(2);
    } else if (segments[0] === 'apis' && segments.length >= 4) {
      group = segments[1] as string;
      version = segments[2] as string;
      rest = segments.slice(3);
    } else return undefined;
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, sub] = rest;
    const type = this.store.resourceType(group, version, plural as string);
    if (!type) return undefined;
    if (sub !== undefined && (sub !== 'status' || !type.statusSubresource)) return undefined;
    return {
      type,
      namespace: type.namespaced ? namespace : undefined,
      name,
      subresource: sub === 'status' ? 'status' : undefined,
    };
  }

  private sendError(res: ServerResponse, req: IncomingMessage, err: unknown): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const [code, reason] = errorStatus(err);
    if (code === 500 && !(err instanceof ApiError))
      console.error(`test API server: ${req.method} ${req.url}:`, err);
    sendJson(res, code, statusBody(code, reason, err instanceof Error ? err.message : String(err)));
  }
}

function errorStatus(err: unknown): [number, string] {
  if (err instanceof ConflictError) return [409, 'Conflict'];
  if (err instanceof ApiError) return [err.code, err.reason];
  if (err instanceof SyntaxError) return [400, 'BadRequest'];
  return [500, 'InternalError'];
}

function withoutTypeMeta(item: KubeRecord): KubeRecord {
  const { apiVersion: _a, kind: _k, ...rest } = item;
  return rest;
}

function statusBody(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function userAgentManager(userAgent: string | undefined): string {
  return (userAgent ?? 'unknown').split('/')[0] ?? 'unknown';
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(body: string, contentType: string | undefined): KubeRecord {
  return (contentType?.includes('yaml') ? parseYaml(body) : JSON.parse(body)) as KubeRecord;
}
