/*
 * The HTTP front: routes kubectl-style paths to discovery, objects and watches, answers errors
 * as Status objects, applies injected faults and records every request for assertions.
 */
import http, { IncomingMessage, ServerResponse } from 'http';
import { AddressInfo, Socket } from 'net';
import {
  KubeStatusError,
  methodNotAllowed,
  modifiedConflict,
  resourceNotServed,
  internalError,
} from '../api/status';
import { ExecServer } from '../exec/execServer';
import {
  ResourceType,
  servedVersion,
  storageKey,
} from '../resources/ResourceType';
import { ObjectStore } from '../store/ObjectStore';
import {
  FaultInjector,
  FaultRequest,
  FaultSpec,
  InjectedFault,
} from './faults';
import { mediaType, readBody } from './requestBody';
import { Reply, ResourceHandler, ResourceRequest } from './ResourceHandler';
import { ResourceRegistry } from './ResourceRegistry';
import { OpenWatch, startWatch } from './watch';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  contentType: string;
  /** set when an injected fault answered instead of the server */
  fault?: 'hang' | 'reset' | 'status';
}

interface ResourceRoute {
  type: ResourceType;
  version: string;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

export interface KubeTestApiServerOptions {
  /** events kept for watches resuming from a resourceVersion (default 10000) */
  watchHistorySize?: number;
  /** time between periodic watch bookmarks, ms (default 60000, the apiserver's) */
  watchBookmarkIntervalMs?: number;
  /** where exec'd processes run, one folder per pod (default a fresh temporary folder) */
  execSandboxRoot?: string;
  /** namespaces that exist from the start (default: default, kube-system) */
  namespaces?: string[];
}

export class KubeTestApiServer {
  readonly store: ObjectStore;
  readonly registry = new ResourceRegistry();
  private readonly handler: ResourceHandler;
  private readonly faults = new FaultInjector();
  private readonly recorded: RecordedRequest[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly watches = new Set<OpenWatch>();
  private readonly server: http.Server;
  private readonly bookmarkIntervalMs: number;
  private address = '';
  /** `pods/exec` over WebSocket: a real process per session in the pod's sandbox folder */
  readonly exec: ExecServer;

  constructor(options: KubeTestApiServerOptions = {}) {
    this.store = new ObjectStore(options.watchHistorySize ?? 10000);
    this.bookmarkIntervalMs = options.watchBookmarkIntervalMs ?? 60000;
    this.handler = new ResourceHandler(this.store, this.registry);
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(e => this.fail(res, e));
    });
    this.exec = new ExecServer({
      podContainers: (namespace, pod) => {
        const found = this.store.get(
          storageKey({ group: '', plural: 'pods' }),
          namespace,
          pod,
        ) as { spec?: { containers?: Array<{ name?: unknown }> } } | undefined;
        return found
          ? (found.spec?.containers ?? []).map(c => String(c.name))
          : undefined;
      },
      sandboxRoot: options.execSandboxRoot,
    });
    this.server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      this.recorded.push({
        method: 'GET',
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        contentType: '',
      });
      if (!this.exec.handleUpgrade(req, socket, head)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      }
    });
    this.server.on('connection', socket => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.address = `127.0.0.1:${port}`;
    return `http://${this.address}`;
  }

  /** Ends watches, drops hanging requests and closes the listener. */
  async stop(): Promise<void> {
    for (const w of [...this.watches]) w.close();
    this.exec.stop();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  /** Ends every open watch stream, as an apiserver restart or a proxy timeout does. */
  closeWatches(): void {
    for (const w of [...this.watches]) w.close();
  }

  /**
   * Drops open watch connections with a TCP reset, as a failing load balancer or a killed
   * apiserver does: the stream breaks mid-way, without a clean end. `path` (a substring or a
   * RegExp of the watched URL path) picks which; default all. Returns how many were reset.
   */
  resetWatches(path?: string | RegExp): number {
    const picked = [...this.watches].filter(w => {
      if (path === undefined) return true;
      return typeof path === 'string'
        ? w.path.includes(path)
        : path.test(w.path);
    });
    for (const w of picked) w.reset();
    return picked.length;
  }

  inject(fault: FaultSpec): InjectedFault {
    return this.faults.inject(fault);
  }

  get requests(): readonly RecordedRequest[] {
    return [...this.recorded];
  }

  /**
   * Creates an object directly, as if sent with POST by `fieldManager` (default
   * kube-test-apiserver): for seeding state in tests.
   */
  createObject(
    object: Record<string, any>,
    fieldManager = 'kube-test-apiserver',
  ): Record<string, any> {
    const [group, version] = String(object.apiVersion ?? '').includes('/')
      ? String(object.apiVersion).split('/')
      : ['', String(object.apiVersion ?? '')];
    const type = this.registry
      .all()
      .find(t => t.group === group && t.kind === object.kind);
    const served = type && servedVersion(type, version);
    if (!type || !served) {
      throw new Error(
        `kube-test-apiserver does not serve ${object.apiVersion} ${object.kind}`,
      );
    }
    const reply = this.handler.create(
      {
        type,
        version: served,
        namespace: type.namespaced
          ? object.metadata?.namespace ?? 'default'
          : undefined,
        query: new URLSearchParams({ fieldManager, fieldValidation: 'Strict' }),
        userAgent: fieldManager,
      },
      JSON.stringify(object),
      'application/json',
    );
    return reply.body as Record<string, any>;
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const contentType = mediaType(req.headers['content-type']);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search.replace(/^\?/, ''),
      contentType,
    };
    this.recorded.push(record);

    const route = this.route(url.pathname);
    const faultRequest: FaultRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      contentType,
    };
    const fault = this.faults.take(faultRequest, () =>
      route && 'type' in route
        ? modifiedConflict(
            route.type.group,
            route.type.plural,
            route.name ?? '',
          )
        : modifiedConflict('', 'objects', ''),
    );
    if (fault) {
      record.fault = fault.kind;
      req.resume();
      if (fault.kind === 'hang') return; // no answer; stop() or the client closes it
      if (fault.kind === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      this.send(res, { code: fault.error.code, body: fault.error.toStatus() });
      return;
    }

    if (!route) throw resourceNotServed();
    if ('document' in route) {
      if (method !== 'GET') throw methodNotAllowed();
      this.send(res, { code: 200, body: route.document });
      return;
    }
    const version = servedVersion(route.type, route.version)!;
    if (route.subresource === 'status' && !version.statusSubresource) {
      throw resourceNotServed();
    }
    const request: ResourceRequest = {
      type: route.type,
      version,
      namespace: route.namespace,
      name: route.name,
      subresource: route.subresource,
      query: url.searchParams,
      userAgent: String(req.headers['user-agent'] ?? ''),
    };
    const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)
      ? await readBody(req)
      : '';
    const watch = url.searchParams.get('watch');
    if (
      !route.name &&
      method === 'GET' &&
      (watch === 'true' || watch === '1')
    ) {
      // A watch may end before startWatch returns (410 Expired): only open ones are kept.
      let ended = false;
      let open: OpenWatch | undefined = undefined;
      open = startWatch(request, res, this.store, {
        bookmarkIntervalMs: this.bookmarkIntervalMs,
        path: url.pathname,
        onClose: () => {
          ended = true;
          if (open) this.watches.delete(open);
        },
      });
      if (!ended) this.watches.add(open);
      return;
    }
    this.send(res, this.dispatch(method, request, body, contentType));
  }

  private dispatch(
    method: string,
    request: ResourceRequest,
    body: string,
    contentType: string,
  ): Reply {
    if (!request.name) {
      if (method === 'GET') return this.handler.list(request);
      if (method === 'POST') {
        return this.handler.create(
          request,
          body,
          contentType || 'application/json',
        );
      }
      if (method === 'DELETE') return this.handler.deleteCollection(request);
      throw methodNotAllowed();
    }
    switch (method) {
      case 'GET':
        return this.handler.get(request);
      case 'PUT':
        return this.handler.update(
          request,
          body,
          contentType || 'application/json',
        );
      case 'PATCH':
        return this.handler.patch(request, body, contentType);
      case 'DELETE':
        if (request.subresource) throw methodNotAllowed();
        return this.handler.delete(request, body);
      default:
        throw methodNotAllowed();
    }
  }

  /** Maps a URL path to a discovery document or a resource route. */
  private route(
    path: string,
  ): { document: object } | ResourceRoute | undefined {
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (
      segments.length === 1 &&
      ['healthz', 'readyz', 'livez'].includes(segments[0])
    ) {
      return { document: { status: 'ok' } };
    }
    if (segments[0] === 'version' && segments.length === 1) {
      return {
        document: {
          major: '1',
          minor: '31',
          gitVersion: 'v1.31.0-kube-test-apiserver',
          platform: `${process.platform}/${process.arch}`,
        },
      };
    }
    let group: string;
    let version: string;
    let rest: string[];
    if (segments[0] === 'api') {
      if (segments.length === 1)
        return { document: this.registry.apiVersions(this.address) };
      group = '';
      version = segments[1];
      if (version !== 'v1') return undefined;
      rest = segments.slice(2);
    } else if (segments[0] === 'apis') {
      if (segments.length === 1)
        return { document: this.registry.apiGroupList() };
      group = segments[1];
      if (segments.length === 2) {
        const doc = this.registry.apiGroup(group);
        return doc ? { document: doc } : undefined;
      }
      version = segments[2];
      rest = segments.slice(3);
    } else {
      return undefined;
    }
    if (rest.length === 0) {
      const doc = this.registry.apiResourceList(group, version);
      return doc ? { document: doc } : undefined;
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      // /api/v1/namespaces/<name>/status is the Namespace's own subresource, not a collection.
      const ofNamespace =
        group === '' &&
        rest.length === 3 &&
        (rest[2] === 'status' || rest[2] === 'finalize');
      if (!ofNamespace) {
        namespace = rest[1];
        rest = rest.slice(2);
      }
    }
    const [plural, name, subresource, ...extra] = rest;
    if (
      extra.length > 0 ||
      (subresource !== undefined && subresource !== 'status')
    ) {
      return undefined;
    }
    const type = this.registry.find(group, version, plural);
    if (!type) return undefined;
    if (namespace !== undefined && !type.namespaced) return undefined;
    return {
      type,
      version,
      namespace,
      name,
      subresource: subresource as 'status' | undefined,
    };
  }

  private send(res: ServerResponse, reply: Reply): void {
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
    };
    if (reply.warnings?.length) {
      headers.Warning = reply.warnings.map(w => `299 - ${JSON.stringify(w)}`);
    }
    res.writeHead(reply.code, headers);
    res.end(JSON.stringify(reply.body));
  }

  private fail(res: ServerResponse, e: unknown): void {
    const error =
      e instanceof KubeStatusError
        ? e
        : internalError(String((e as Error)?.stack ?? e));
    if (res.headersSent) {
      res.end();
      return;
    }
    this.send(res, { code: error.code, body: error.toStatus() });
  }
}
