/*
 * Every object of one Butler kind on the management cluster (all namespaces), kept current by a
 * watch: a client-node informer lists, then watches from the list's resourceVersion, and lists
 * again itself when the apiserver answers 410 Gone (history expired). A relist is compared with
 * what the informer holds, so it reports only real changes: an object is never added twice, and
 * one deleted while the watch was down is reported deleted. Any other failure (cluster
 * unreachable, CRD missing, stream reset) stops the informer; it is started again here after an
 * exponential backoff and resumes from the last resourceVersion it saw, for as long as it runs.
 * Until the first list succeeds, and whenever the watch is down, `state()` says why.
 *
 * A cluster that accepts the connection and never answers must not hold the informer at
 * "connecting" forever: the list and every watch request get requestTimeoutMs to be answered,
 * after which the attempt fails like any other and is retried with the backoff.
 */
import {
  CustomObjectsApi,
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  ListWatch,
  Watch,
} from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  BUTLER_GROUP,
  BUTLER_RESOURCES,
  BUTLER_VERSION,
  butlerResource,
  describeKubernetesError,
  makeTimeLimitedApiClient,
  type ButlerKind,
} from '@butler-portal/kube-node';

export interface KindInformerOptions {
  kubeConfig: KubeConfig;
  logger?: LoggerService;
  /** first wait before starting a failed watch again (default 1 s), doubled up to maxBackoffMs */
  backoffMs?: number;
  /** longest wait between attempts (default 30 s) */
  maxBackoffMs?: number;
  /**
   * how long the management cluster may take to answer the list, and each watch request, before
   * the attempt is abandoned and retried (default 30 s)
   */
  requestTimeoutMs?: number;
}

export interface KindInformerState {
  /** the informer holds the cluster's objects and the watch is up */
  ready: boolean;
  /** listed at least once: the copy is complete, if possibly stale while not ready */
  synced?: boolean;
  /** why not ready, when not */
  reason?: string;
  /** the cluster does not serve this kind */
  crdMissing?: boolean;
}

/** A Butler object as the API returns it (plain JSON). */
export interface ButlerObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    annotations?: Record<string, string>;
    labels?: Record<string, string>;
    [key: string]: unknown;
  };
  spec?: Record<string, any>;
  status?: Record<string, any>;
}

export type KindInformerEvent<T> = {
  type: 'add' | 'update' | 'delete';
  object: T;
};

/** The CRD name of a Butler kind, e.g. tenantclusters.butler.butlerlabs.dev. */
export function crdNameOf(kind: ButlerKind): string {
  return `${BUTLER_RESOURCES[kind].plural}.${BUTLER_GROUP}`;
}

/**
 * A Watch whose request must be answered (response headers) within timeoutMs. client-node's Watch
 * builds a timeout signal and then replaces it with its own abort signal, so on its own it waits
 * forever; node-fetch's `timeout` bounds only the wait for the answer, not the event stream that
 * follows, which rightly stays quiet as long as nothing changes.
 */
function answerTimeLimitedWatch(kc: KubeConfig, timeoutMs: number): Watch {
  const config = Object.create(kc) as KubeConfig;
  config.applyToFetchOptions = async opts => ({
    ...(await kc.applyToFetchOptions(opts)),
    timeout: timeoutMs,
  });
  return new Watch(config);
}

/** The request found no answer in time: the list's abort, or node-fetch's timeout of the watch. */
function isTimeout(error: unknown): boolean {
  return (
    (error as { type?: string })?.type === 'request-timeout' ||
    describeKubernetesError(error).timedOut === true
  );
}

/** Why the watch is down, in words for a status reason. */
function reasonOf(
  error: unknown,
  crd: string,
  requestTimeoutMs: number,
): { reason: string; crdMissing?: boolean } {
  // Watch errors carry statusCode; list errors are ApiExceptions
  const code =
    (error as { statusCode?: number })?.statusCode ??
    describeKubernetesError(error).code;
  // a 404 for the cluster-wide collection: the resource is not served
  if (code === 404)
    return { reason: `CRD ${crd} not installed`, crdMissing: true };
  if (isTimeout(error)) {
    return {
      reason: `the management cluster did not answer within ${
        requestTimeoutMs / 1000
      }s`,
    };
  }
  const failure = describeKubernetesError(error);
  if (failure.network || failure.timedOut) {
    return { reason: `management cluster unreachable: ${failure.message}` };
  }
  if (code === 401 || code === 403) {
    return {
      reason: `the management cluster refused the portal's credentials (HTTP ${code}): ${failure.message}`,
    };
  }
  return {
    reason: `watching ${crd} failed: ${code ? `HTTP ${code}: ` : ''}${
      failure.message
    }`,
  };
}

export class KindInformer<T extends ButlerObject = ButlerObject> {
  readonly kind: ButlerKind;
  readonly crd: string;
  readonly #informer: ListWatch<KubernetesObject>;
  readonly #logger?: LoggerService;
  readonly #requestTimeoutMs: number;
  readonly #backoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #listeners = new Set<(event: KindInformerEvent<T>) => void>();
  #state: KindInformerState = {
    ready: false,
    reason: 'connecting to the management cluster',
  };
  #running = false;
  #failures = 0;
  #errors = 0;
  #listed = false;
  #timer?: NodeJS.Timeout;

  constructor(kind: ButlerKind, options: KindInformerOptions) {
    this.kind = kind;
    this.crd = crdNameOf(kind);
    this.#logger = options.logger;
    this.#backoffMs = options.backoffMs ?? 1000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
    const api = makeTimeLimitedApiClient(
      options.kubeConfig,
      CustomObjectsApi,
      this.#requestTimeoutMs,
    );
    const resource = {
      group: BUTLER_GROUP,
      version: BUTLER_VERSION,
      plural: BUTLER_RESOURCES[kind].plural,
    };
    const list = async (): Promise<KubernetesListObject<KubernetesObject>> => {
      const result = (await api.listClusterCustomObject(
        resource,
      )) as KubernetesListObject<KubernetesObject>;
      // a full list: the informer now mirrors the cluster (it reconciles the difference)
      this.#listed = true;
      return result;
    };
    // what makeInformer builds, with a Watch that does not wait forever for its answer
    this.#informer = new ListWatch<KubernetesObject>(
      butlerResource(kind),
      answerTimeLimitedWatch(options.kubeConfig, this.#requestTimeoutMs),
      list,
      false,
    );
    const emit =
      (type: KindInformerEvent<T>['type']) => (o: KubernetesObject) => {
        if (this.#listeners.size === 0) return;
        const object = this.#plain(o);
        this.#listeners.forEach(l => l({ type, object }));
      };
    this.#informer.on('add', emit('add'));
    this.#informer.on('update', emit('update'));
    this.#informer.on('delete', emit('delete'));
    this.#informer.on('error', error => this.#failed(error));
  }

  /** Starts watching; resolves after the first attempt, whether it reached the cluster or not. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#attempt();
  }

  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#informer.stop();
    this.#state = { ready: false, reason: 'stopped' };
  }

  state(): KindInformerState {
    return { ...this.#state, ...(this.#listed && { synced: true }) };
  }

  /** The object as last seen; cluster-scoped kinds have no namespace. */
  get(name: string, namespace?: string): T | undefined {
    const found = this.#informer.get(name, namespace);
    return found ? this.#plain(found) : undefined;
  }

  /** All objects (of one namespace), sorted by namespace and name. */
  list(namespace?: string): T[] {
    return this.#informer
      .list(namespace)
      .map(o => this.#plain(o))
      .sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(
            b.metadata.namespace ?? '',
          ) || a.metadata.name.localeCompare(b.metadata.name),
      );
  }

  /** Called on every change the informer takes in; returns the unsubscribe function. */
  onChange(listener: (event: KindInformerEvent<T>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #attempt(): Promise<void> {
    if (!this.#running) return;
    const errorsBefore = this.#errors;
    try {
      await this.#informer.start();
    } catch (error) {
      this.#failed(error);
      return;
    }
    // start() resolves once the watch request is answered; an error reported meanwhile
    // means it is down again (and a retry is already scheduled)
    if (this.#running && this.#errors === errorsBefore && this.#listed) {
      if (!this.#state.ready) {
        this.#logger?.info(
          `watching ${this.kind} objects (${BUTLER_GROUP}/${BUTLER_VERSION}) on the management cluster`,
        );
      }
      this.#failures = 0;
      this.#state = { ready: true };
    }
  }

  #failed(error: unknown): void {
    this.#errors += 1;
    if (!this.#running) return;
    const { reason, crdMissing } = reasonOf(
      error,
      this.crd,
      this.#requestTimeoutMs,
    );
    if (this.#state.reason !== reason) {
      this.#logger?.warn(`${this.kind} watch down: ${reason}; retrying`);
    }
    this.#state = { ready: false, reason, ...(crdMissing && { crdMissing }) };
    const wait = Math.min(
      this.#backoffMs * 2 ** Math.min(this.#failures++, 16),
      this.#maxBackoffMs,
    );
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#attempt();
    }, wait);
  }

  #plain(object: KubernetesObject): T {
    // a copy: callers must not change what the informer compares against
    return {
      ...JSON.parse(JSON.stringify(object)),
      apiVersion: `${BUTLER_GROUP}/${BUTLER_VERSION}`,
      kind: this.kind,
    };
  }
}
