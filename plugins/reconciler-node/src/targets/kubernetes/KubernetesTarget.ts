/*
 * The `kubernetes` target: the Butler management cluster, written by server-side apply with the
 * portal's field manager. Small and separate concerns, as in Argo CD's gitops-engine: this class
 * syncs (apply, list, delete, watch); diffLiveObject.ts says what drifted; liveHealth.ts says how
 * an object is doing. Every call is time-limited and retried within bounds (kubernetesRetry.ts);
 * failures are reported per object, never thrown out of apply.
 */
import {
  KubeConfig,
  KubernetesListObject,
  KubernetesObject,
  makeInformer,
  PatchStrategy,
} from '@kubernetes/client-node';
import { ConflictError, InputError } from '@backstage/errors';
import {
  findKind,
  KINDS,
  kindOf,
  type KindInfo,
  type KindName,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import {
  DesiredObject,
  FIELD_MANAGER,
  hasManagedByLabel,
  HeldFieldDrift,
  ListManagedOptions,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  ManagedChange,
  ManagedObject,
  ManagedWatch,
  ResourceHealth,
  SyncTarget,
  withManagedByLabel,
} from '../types';
import {
  diffLiveObject,
  DriftOptions,
  DriftResult,
  fieldManagers,
  SERVER_METADATA,
} from './diffLiveObject';
import {
  describeKubernetesError,
  isFieldManagerConflict,
} from '@butler-portal/kube-node';
import {
  KubernetesCallError,
  KubernetesRetryOptions,
  withKubernetesRetries,
} from '@butler-portal/kube-node';
import { KubeConfigSource, loadKubeConfig } from '@butler-portal/kube-node';
import { LiveHealth, liveHealth, toResourceHealth } from './liveHealth';
import { ObjectApi } from '@butler-portal/kube-node';
import { mapLimited } from '@butler-portal/plugin-gitops-node';

export interface KubernetesTargetOptions {
  kubeConfig: KubeConfig;
  /** target id in the reconciler store (default `kubernetes`) */
  name?: string;
  /** field manager of server-side apply (default butler-portal) */
  fieldManager?: string;
  /** time limit of one request (default 30 s) */
  requestTimeoutMs?: number;
  retry?: KubernetesRetryOptions;
  /** applies in flight at once (default 8) */
  applyConcurrency?: number;
}

/** Any object: a portal resource (kind from KINDS) or, with apiVersion, any Kubernetes object. */
export type ObjectRef =
  | ResourceRef
  | { apiVersion: string; kind: string; namespace?: string; name: string };

/** `applied`: written without reading first (reportOutcome false), so not known which */
export type ApplyOutcome = 'created' | 'configured' | 'unchanged' | 'applied';

/** Why an apply failed, for status and for deciding what a person must do. */
export type ApplyFailureReason =
  /** the CRD of the kind is not installed */
  | 'CrdMissing'
  /** the namespace does not exist */
  | 'NamespaceMissing'
  /** another field manager owns a field with another value (apply with force to take it) */
  | 'Conflict'
  /** the apiserver refused the object (schema, validation) */
  | 'Invalid'
  /** anything else, after the retries */
  | 'Failed';

export type KubernetesApplyResult<R = ObjectRef> =
  | {
      ref: R;
      ok: true;
      outcome: ApplyOutcome;
      /** the object as the cluster holds it after the apply */
      live: Record<string, unknown>;
      attempts: number;
    }
  | {
      ref: R;
      ok: false;
      outcome: 'failed';
      reason: ApplyFailureReason;
      error: string;
      code?: number;
      attempts: number;
      /** the apiserver refused this content (Invalid): only a change to it can help */
      permanent?: boolean;
    };

export interface ApplyOptions {
  /** take fields over from other field managers (default false: report the conflict) */
  force?: boolean;
  /** field manager for this apply (default: the target's) */
  fieldManager?: string;
  /** server-side dry run: validate and compute, change nothing */
  dryRun?: boolean;
  /** false: do not read the object first to tell created, configured and unchanged apart */
  reportOutcome?: boolean;
}

export interface ListOptions {
  /** default: the portal's managed-by label */
  labelSelector?: string;
  /** default: every kind the portal applies */
  kinds?: ReadonlyArray<KindName | CustomKind>;
  /** default: all namespaces */
  namespace?: string;
}

/** A kind outside KINDS, for checks and watches. */
export interface CustomKind {
  apiVersion: string;
  kind: string;
  crdName?: string;
}

export interface CrdStatus {
  kind: string;
  apiVersion: string;
  crdName: string;
  installed: boolean;
  message: string;
}

export interface KubernetesWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: Record<string, unknown>;
}

export interface KubernetesWatch {
  stop(): Promise<void>;
}

interface KindTarget {
  apiVersion: string;
  kind: string;
  crdName?: string;
}

/** The object as plain JSON (client-node hands back class instances with Dates). */
function plain(object: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(object));
}

/**
 * An item of a list as plain JSON: the items of a custom kind's list come as parsed (plain
 * objects, no class instance, no Date), so they are taken as they are instead of copied through
 * JSON, which was the largest cost of the drift check's listing of thousands of objects; items
 * of a typed (built-in) kind's list are class instances and still go through plain().
 */
function plainItem(item: unknown): Record<string, unknown> {
  const metadata = (item as { metadata?: unknown } | null)?.metadata;
  const untyped =
    typeof item === 'object' &&
    item !== null &&
    Object.getPrototypeOf(item) === Object.prototype &&
    (metadata === undefined ||
      (typeof metadata === 'object' &&
        metadata !== null &&
        Object.getPrototypeOf(metadata) === Object.prototype));
  return untyped ? (item as Record<string, unknown>) : plain(item);
}

function refString(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The cluster does not serve a kind: its CRD is not installed. */
export class CrdNotInstalledError extends InputError {}

/** Marks a kind the cluster does not serve; never retried. */
class NotServedError extends Error {}
/** Refusal to delete an object the portal does not manage; never retried. */
class NotManagedError extends Error {}

export class KubernetesTarget implements SyncTarget {
  readonly name: string;
  readonly #kc: KubeConfig;
  readonly #api: ObjectApi;
  readonly #fieldManager: string;
  readonly #retry: KubernetesRetryOptions;
  readonly #applyConcurrency: number;
  /**
   * while watchManaged runs: the managed objects as last seen, by `Kind/namespace/name`, and
   * the kinds whose watch has listed them all — health() reads these instead of one GET per
   * object (GET /sync of 5,000 objects would otherwise make 5,000 requests)
   */
  readonly #seen = new Map<string, Record<string, unknown>>();
  readonly #seenKinds = new Set<string>();

  /** A target for the cluster of a kubeconfig file or context, in-cluster, or the default kubeconfig. */
  static fromConfig(
    options: KubeConfigSource &
      Omit<KubernetesTargetOptions, 'kubeConfig'> = {},
  ): KubernetesTarget {
    const { kubeconfigPath, context, inCluster, ...rest } = options;
    return new KubernetesTarget({
      ...rest,
      kubeConfig: loadKubeConfig({ kubeconfigPath, context, inCluster }),
    });
  }

  constructor(options: KubernetesTargetOptions) {
    this.name = options.name ?? 'kubernetes';
    this.#kc = options.kubeConfig;
    this.#api = ObjectApi.create(
      options.kubeConfig,
      options.requestTimeoutMs ?? 30_000,
    );
    this.#fieldManager = options.fieldManager ?? FIELD_MANAGER;
    this.#retry = options.retry ?? {};
    this.#applyConcurrency = Math.max(1, options.applyConcurrency ?? 8);
  }

  // ------------------------------------------------------------------------------------------
  // apply

  /** Server-side applies each desired object (managed-by label added); one result per object. */
  async apply(
    objects: DesiredObject[],
    options: ApplyOptions = {},
  ): Promise<Array<KubernetesApplyResult<ResourceRef>>> {
    // a few applies in flight: one at a time, a first sync of thousands of objects waited
    // on every round trip in turn; bounded, so an apiserver is not flooded
    return mapLimited(
      objects,
      this.#applyConcurrency,
      async (desired): Promise<KubernetesApplyResult<ResourceRef>> => {
        const info = kindOf(desired.object.apiVersion, desired.object.kind);
        if (info && !info.applied) {
          return {
            ref: desired.ref,
            ok: false,
            outcome: 'failed',
            reason: 'Invalid',
            error: `${info.kind} is a portal record, not applied to the cluster`,
            attempts: 0,
          };
        }
        const rendered = withManagedByLabel(
          desired.object,
        ) as unknown as Record<string, unknown>;
        const result = await this.applyObject(rendered, options);
        return result.ok || result.reason !== 'Invalid'
          ? { ...result, ref: desired.ref }
          : { ...result, ref: desired.ref, permanent: true };
      },
    );
  }

  /**
   * Server-side applies one object of any kind (the caller labels it). Reports created,
   * configured (the cluster's copy changed) or unchanged, or why it failed.
   */
  async applyObject(
    object: Record<string, unknown>,
    options: ApplyOptions = {},
  ): Promise<KubernetesApplyResult<ObjectRef>> {
    const metadata = (object.metadata ?? {}) as Record<string, unknown>;
    const ref: ObjectRef = {
      apiVersion: String(object.apiVersion ?? ''),
      kind: String(object.kind ?? ''),
      ...(metadata.namespace ? { namespace: String(metadata.namespace) } : {}),
      name: String(metadata.name ?? ''),
    };
    let attempts = 0;
    try {
      if (!ref.apiVersion || !ref.kind || !ref.name) {
        throw new InputError(
          'an object to apply needs apiVersion, kind and metadata.name',
        );
      }
      const kind = this.#kindTarget(ref);
      const configuration = this.#configuration(object);
      const reportOutcome = options.reportOutcome ?? true;
      const before = reportOutcome
        ? await this.#call(
            () => this.#read(kind, ref),
            n => (attempts += n),
          )
        : undefined;
      const after = await this.#call(
        async () => {
          try {
            return await this.#api.patch(
              configuration as KubernetesObject,
              undefined,
              options.dryRun ? 'All' : undefined,
              options.fieldManager ?? this.#fieldManager,
              options.force ?? false,
              PatchStrategy.ServerSideApply,
            );
          } catch (error) {
            const failure = describeKubernetesError(error);
            if (
              failure.code === 404 &&
              !/^namespaces "/.test(failure.message)
            ) {
              // discovery said served, the apiserver says not: the CRD went away meanwhile
              this.#api.forgetDiscovery(kind.apiVersion);
              throw new NotServedError(this.#notServed(kind));
            }
            throw error;
          }
        },
        n => (attempts += n),
      );
      const live = plain(after);
      let outcome: ApplyOutcome = 'configured';
      if (!reportOutcome) outcome = 'applied';
      else if (!before) outcome = 'created';
      else if (
        (before.metadata as any)?.resourceVersion ===
        (live.metadata as any)?.resourceVersion
      ) {
        outcome = 'unchanged';
      }
      return { ref, ok: true, outcome, live, attempts };
    } catch (error) {
      return {
        ref,
        ok: false,
        outcome: 'failed',
        ...this.#failureOf(error),
        attempts,
      };
    }
  }

  /** The apply configuration: the object without status or server-maintained metadata. */
  #configuration(object: Record<string, unknown>): Record<string, unknown> {
    const { status: _status, ...rest } = structuredClone(object);
    const metadata = { ...((rest.metadata ?? {}) as Record<string, unknown>) };
    for (const key of SERVER_METADATA) delete metadata[key];
    return { ...rest, metadata };
  }

  #failureOf(error: unknown): {
    reason: ApplyFailureReason;
    error: string;
    code?: number;
  } {
    const cause = error instanceof KubernetesCallError ? error.cause : error;
    if (cause instanceof NotServedError)
      return { reason: 'CrdMissing', error: cause.message };
    if (cause instanceof InputError)
      return { reason: 'Invalid', error: cause.message };
    const failure =
      error instanceof KubernetesCallError
        ? error.failure
        : describeKubernetesError(error);
    const message = error instanceof Error ? error.message : failure.message;
    let reason: ApplyFailureReason = 'Failed';
    if (isFieldManagerConflict(failure)) reason = 'Conflict';
    else if (failure.code === 404 && /^namespaces "/.test(failure.message))
      reason = 'NamespaceMissing';
    else if (
      failure.code === 422 ||
      failure.code === 400 ||
      /typed patch object/.test(failure.message)
    ) {
      reason = 'Invalid';
    }
    return {
      reason,
      error: message,
      ...(failure.code ? { code: failure.code } : {}),
    };
  }

  // ------------------------------------------------------------------------------------------
  // read

  /** The live object, or undefined when absent. */
  async get(ref: ObjectRef): Promise<Record<string, unknown> | undefined> {
    const kind = this.#kindTarget(ref);
    try {
      return await this.#call(() => this.#read(kind, ref));
    } catch (error) {
      throw this.#unwrap(error);
    }
  }

  /**
   * Objects of the portal's kinds (or the kinds given) matching a label selector, by default the
   * managed-by label. Kinds whose CRD is not installed have no objects: they are skipped (see
   * checkCrds for a status).
   */
  async list(
    options: ListOptions = {},
  ): Promise<Array<Record<string, unknown>>> {
    const labelSelector =
      options.labelSelector ?? `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
    const out: Array<Record<string, unknown>> = [];
    for (const kind of this.#kinds(options.kinds)) {
      try {
        if (
          !(await this.#call(() =>
            this.#api.servedResource(kind.apiVersion, kind.kind),
          ))
        )
          continue;
        // One list per kind, without `limit`: @kubernetes/client-node's typed list drops
        // `metadata.continue` from the answer, so a paged list would silently stop after the
        // first page — and every object past it would be re-applied and never pruned.
        const page: KubernetesListObject<KubernetesObject> | undefined =
          await this.#call(async () => {
            try {
              return await this.#api.list(
                kind.apiVersion,
                kind.kind,
                options.namespace,
                undefined,
                undefined,
                undefined,
                undefined,
                labelSelector,
              );
            } catch (error) {
              // discovery (cached) said served, the apiserver says not: the CRD was removed
              // meanwhile; it holds no objects, and one missing kind must not fail the rest
              if (describeKubernetesError(error).code === 404) {
                this.#api.forgetDiscovery(kind.apiVersion);
                return undefined;
              }
              throw error;
            }
          });
        for (const item of page?.items ?? []) {
          out.push({
            ...plainItem(item),
            apiVersion: kind.apiVersion,
            kind: kind.kind,
          });
        }
      } catch (error) {
        throw this.#unwrap(error);
      }
    }
    return out;
  }

  /**
   * SyncTarget: every object of the portal's kinds carrying the managed-by label. With a few
   * `refs` (at most 100), only those are read, one GET each; with more, everything is listed
   * (one list per kind costs less than thousands of GETs).
   */
  async listManaged(
    options: ListManagedOptions = {},
  ): Promise<ManagedObject[]> {
    if (options.refs && options.refs.length <= 100) {
      const read: ManagedObject[] = [];
      for (const ref of options.refs) {
        let live: Record<string, unknown> | undefined;
        try {
          live = await this.get(ref);
        } catch (error) {
          // a kind not served, or not one the portal applies, holds nothing of ours
          if (
            error instanceof CrdNotInstalledError ||
            error instanceof InputError
          )
            continue;
          throw error;
        }
        if (live && hasManagedByLabel(live)) read.push({ ref, live });
      }
      return read;
    }
    const managed: ManagedObject[] = [];
    for (const live of await this.list()) {
      const info = kindOf(live.apiVersion, live.kind);
      const metadata = live.metadata as { name: string; namespace?: string };
      if (!info || !hasManagedByLabel(live)) continue;
      managed.push({
        ref: {
          kind: info.kind,
          namespace: metadata.namespace ?? '',
          name: metadata.name,
        },
        live,
      });
    }
    return managed;
  }

  // ------------------------------------------------------------------------------------------
  // delete

  /**
   * Deletes an object, only when it carries the managed-by label (ConflictError otherwise). An
   * absent object is not an error. The delete is conditional on the uid and resourceVersion
   * just read, so an object relabelled or replaced in between is not deleted.
   */
  async delete(ref: ObjectRef): Promise<void> {
    const kind = this.#kindTarget(ref);
    try {
      await this.#call(async () => {
        const live = await this.#read(kind, ref);
        if (!live) return;
        if (!hasManagedByLabel(live)) {
          throw new NotManagedError(
            `${refString(
              ref,
            )} does not carry the portal's managed-by label (${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}); not deleting it`,
          );
        }
        const metadata = live.metadata as {
          uid?: string;
          resourceVersion?: string;
        };
        try {
          await this.#api.delete(
            this.#spec(kind, ref),
            undefined,
            undefined,
            undefined,
            undefined,
            'Background',
            {
              preconditions: {
                uid: metadata.uid,
                resourceVersion: metadata.resourceVersion,
              },
            },
          );
        } catch (error) {
          if (describeKubernetesError(error).code !== 404) throw error;
        }
      });
    } catch (error) {
      const cause =
        error instanceof KubernetesCallError ? error.cause : undefined;
      if (cause instanceof NotManagedError)
        throw new ConflictError(cause.message);
      throw this.#unwrap(error);
    }
  }

  // ------------------------------------------------------------------------------------------
  // CRDs, health, drift, watch

  /** Whether the cluster serves each kind: `CRD workspaces.butler.butlerlabs.dev not installed`. */
  async checkCrds(
    kinds?: ReadonlyArray<KindName | CustomKind>,
  ): Promise<CrdStatus[]> {
    const statuses: CrdStatus[] = [];
    for (const kind of this.#kinds(kinds)) {
      const crdName = kind.crdName ?? this.#guessCrdName(kind);
      let served;
      try {
        served = await this.#call(() =>
          this.#api.servedResource(kind.apiVersion, kind.kind),
        );
      } catch (error) {
        throw this.#unwrap(error);
      }
      statuses.push({
        kind: kind.kind,
        apiVersion: kind.apiVersion,
        crdName,
        installed: !!served,
        message: served
          ? `CRD ${crdName} installed (${kind.apiVersion} ${kind.kind} served)`
          : `CRD ${crdName} not installed`,
      });
    }
    return statuses;
  }

  /** Live health with Suspended (a stopped workspace); Missing when the object or its CRD is absent. */
  async liveHealth(ref: ObjectRef): Promise<LiveHealth> {
    try {
      return liveHealth(await this.get(ref));
    } catch (error) {
      if (error instanceof CrdNotInstalledError) {
        return { status: 'Missing', message: error.message };
      }
      throw error;
    }
  }

  /**
   * SyncTarget: live health as the shared ResourceHealth; from the watch's copy when a watch
   * of the kind is running and holds the object, else read.
   */
  async health(ref: ResourceRef): Promise<ResourceHealth> {
    const seen = this.#seenKinds.has(ref.kind)
      ? this.#seen.get(`${ref.kind}/${ref.namespace}/${ref.name}`)
      : undefined;
    return toResourceHealth(
      seen ? liveHealth(seen) : await this.liveHealth(ref),
    );
  }

  /** Drift of the live object from a desired one, on the fields the portal owns or sets. */
  async drift(
    desired: DesiredObject,
    options: DriftOptions = {},
  ): Promise<DriftResult & { missing: boolean }> {
    const live = await this.get(desired.ref);
    const wanted = withManagedByLabel(desired.object) as unknown as Record<
      string,
      unknown
    >;
    if (!live) {
      return { inSync: false, missing: true, drifted: [], details: [] };
    }
    return {
      ...diffLiveObject(wanted, live, {
        fieldManager: this.#fieldManager,
        ...options,
      }),
      missing: false,
    };
  }

  /**
   * SyncTarget: the fields where a live object differs from the desired one (on the fields Git
   * sets and those the portal owns), each with the managers that own it now — a field someone
   * changed by `kubectl patch` or `kubectl edit` names that manager (operation `Update`).
   */
  describeDrift(desired: DesiredObject, held: ManagedObject): HeldFieldDrift[] {
    if (!held.live) return [];
    const wanted = withManagedByLabel(desired.object) as unknown as Record<
      string,
      unknown
    >;
    const { details } = diffLiveObject(wanted, held.live, {
      fieldManager: this.#fieldManager,
    });
    return details.map(d => {
      const owners = fieldManagers(held.live!, d.path);
      return {
        path: d.path,
        desired: d.desired,
        live: d.live,
        managers: owners.map(o => o.label),
        ownManager:
          owners.length > 0 &&
          owners.every(
            o => o.manager === this.#fieldManager && o.operation === 'Apply',
          ),
      };
    });
  }

  /**
   * SyncTarget: watches every kind the portal applies, selecting the managed-by label, and
   * reports each object as it changes (one report per object held when a kind's watch starts).
   * Each kind's watch resumes from its last resourceVersion after a broken connection and
   * relists when the apiserver answers 410 Gone (see watch()). A kind whose CRD is not
   * installed is looked for again every `crdRecheckMs` (default 30 s) and watched once served.
   */
  async watchManaged(
    onChange: (change: ManagedChange) => void,
    options: { onError?: (error: Error) => void; crdRecheckMs?: number } = {},
  ): Promise<ManagedWatch> {
    const labelSelector = `${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
    const watches: KubernetesWatch[] = [];
    const timers = new Set<NodeJS.Timeout>();
    let stopped = false;
    const report = (event: KubernetesWatchEvent) => {
      const info = kindOf(event.object.apiVersion, event.object.kind);
      const metadata = event.object.metadata as
        | { name?: string; namespace?: string }
        | undefined;
      if (!info || !metadata?.name) return;
      const ref: ResourceRef = {
        kind: info.kind,
        namespace: metadata.namespace ?? '',
        name: metadata.name,
      };
      const key = `${ref.kind}/${ref.namespace}/${ref.name}`;
      if (event.type === 'DELETED' || !hasManagedByLabel(event.object)) {
        this.#seen.delete(key);
      } else {
        this.#seen.set(key, event.object);
      }
      onChange(
        event.type === 'DELETED' || !hasManagedByLabel(event.object)
          ? { ref }
          : { ref, held: { ref, live: event.object } },
      );
    };
    const start = async (kind: KindTarget): Promise<void> => {
      if (stopped) return;
      try {
        const watch = await this.watch(kind, report, {
          labelSelector,
          onError: options.onError,
        });
        if (stopped) {
          await watch.stop();
        } else {
          watches.push(watch);
          // the watch has listed every object of the kind by now
          this.#seenKinds.add(kind.kind);
        }
      } catch (error) {
        if (!(error instanceof CrdNotInstalledError)) {
          options.onError?.(
            error instanceof Error ? error : new Error(String(error)),
          );
        }
        // not served (yet) or unreachable: look again later, for as long as the watch runs
        const timer = setTimeout(() => {
          timers.delete(timer);
          void start(kind);
        }, options.crdRecheckMs ?? 30_000);
        timer.unref?.();
        timers.add(timer);
      }
    };
    await Promise.all(this.#kinds().map(start));
    return {
      stop: async () => {
        stopped = true;
        timers.forEach(clearTimeout);
        timers.clear();
        this.#seenKinds.clear();
        this.#seen.clear();
        await Promise.all(watches.splice(0).map(w => w.stop()));
      },
    };
  }

  /**
   * Watches the objects of a kind (optionally one namespace, a label selector): one ADDED per
   * existing object, then every change. Resumes by itself after expired resourceVersions and
   * broken connections (waiting with the retry backoff).
   */
  async watch(
    kind: KindName | CustomKind,
    onEvent: (event: KubernetesWatchEvent) => void,
    options: {
      namespace?: string;
      labelSelector?: string;
      /** each failure of the watch (it starts again by itself after a backoff) */
      onError?: (error: Error) => void;
    } = {},
  ): Promise<KubernetesWatch> {
    const [target] = this.#kinds([kind]);
    let served;
    try {
      served = await this.#call(() =>
        this.#api.servedResource(target.apiVersion, target.kind),
      );
    } catch (error) {
      throw this.#unwrap(error);
    }
    if (!served) throw new CrdNotInstalledError(this.#notServed(target));
    const base = target.apiVersion.includes('/')
      ? `/apis/${target.apiVersion}`
      : `/api/${target.apiVersion}`;
    const path = `${base}${
      options.namespace
        ? `/namespaces/${encodeURIComponent(options.namespace)}`
        : ''
    }/${served.name}`;
    const informer = makeInformer<KubernetesObject>(
      this.#kc,
      path,
      () =>
        this.#api.list(
          target.apiVersion,
          target.kind,
          options.namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          options.labelSelector,
        ),
      options.labelSelector,
    );
    const emit =
      (type: KubernetesWatchEvent['type']) => (object: KubernetesObject) =>
        onEvent({
          type,
          object: {
            ...plain(object),
            apiVersion: target.apiVersion,
            kind: target.kind,
          },
        });
    informer.on('add', emit('ADDED'));
    informer.on('update', emit('MODIFIED'));
    informer.on('delete', emit('DELETED'));
    let stopped = false;
    let restarts = 0;
    const sleep =
      this.#retry.sleep ?? (ms => new Promise<void>(r => setTimeout(r, ms)));
    // The informer stops on errors other than 410 (which it handles by relisting): start it
    // again after a backoff, for as long as the watch is wanted.
    const restart = async (): Promise<void> => {
      if (stopped) return;
      const backoff = Math.min(
        (this.#retry.backoffMs ?? 250) * 2 ** Math.min(restarts++, 10),
        this.#retry.maxBackoffMs ?? 10_000,
      );
      await sleep(backoff);
      if (stopped) return;
      try {
        await informer.start();
      } catch {
        await restart();
      }
    };
    informer.on('error', (error: unknown) => {
      if (!stopped) {
        options.onError?.(
          error instanceof Error ? error : new Error(String(error)),
        );
      }
      restart();
    });
    informer.on('connect', () => {
      restarts = 0;
    });
    await informer.start();
    return {
      stop: async () => {
        stopped = true;
        await informer.stop();
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // helpers

  async #call<T>(
    call: () => Promise<T>,
    count?: (attempts: number) => void,
  ): Promise<T> {
    try {
      const { value, attempts } = await withKubernetesRetries(
        call,
        this.#retry,
      );
      count?.(attempts);
      return value;
    } catch (error) {
      if (error instanceof KubernetesCallError) count?.(error.attempts);
      throw error;
    }
  }

  /** Errors thrown out of get/list/delete/watch: the cause for refusals, else the call error. */
  #unwrap(error: unknown): Error {
    const cause =
      error instanceof KubernetesCallError ? error.cause : undefined;
    if (cause instanceof NotServedError) {
      return new CrdNotInstalledError(cause.message);
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  async #read(
    kind: KindTarget,
    ref: ObjectRef,
  ): Promise<Record<string, unknown> | undefined> {
    if (!(await this.#api.servedResource(kind.apiVersion, kind.kind))) {
      throw new NotServedError(this.#notServed(kind));
    }
    try {
      return plain(await this.#api.read(this.#spec(kind, ref)));
    } catch (error) {
      if (describeKubernetesError(error).code === 404) return undefined;
      throw error;
    }
  }

  #spec(
    kind: KindTarget,
    ref: ObjectRef,
  ): {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string };
  } {
    return {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: {
        name: ref.name,
        ...(ref.namespace ? { namespace: ref.namespace } : {}),
      },
    };
  }

  #kindTarget(ref: ObjectRef): KindTarget {
    if ('apiVersion' in ref && ref.apiVersion) {
      const info = kindOf(ref.apiVersion, ref.kind);
      return {
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        crdName: info?.crdName,
      };
    }
    const info = findKind(ref.kind);
    if (!info || !info.applied) {
      throw new InputError(
        `${ref.kind} is not a kind the portal applies to the cluster`,
      );
    }
    return {
      apiVersion: info.apiVersion,
      kind: info.kind,
      crdName: info.crdName,
    };
  }

  #kinds(kinds?: ReadonlyArray<KindName | CustomKind>): KindTarget[] {
    if (!kinds) {
      return KINDS.filter(k => k.applied).map((k: KindInfo) => ({
        apiVersion: k.apiVersion,
        kind: k.kind,
        crdName: k.crdName,
      }));
    }
    return kinds.map(k => {
      if (typeof k !== 'string') return k;
      const info = findKind(k);
      if (!info || !info.applied) {
        throw new InputError(
          `${k} is not a kind the portal applies to the cluster`,
        );
      }
      return {
        apiVersion: info.apiVersion,
        kind: info.kind,
        crdName: info.crdName,
      };
    });
  }

  #guessCrdName(kind: KindTarget): string {
    const group = kind.apiVersion.includes('/')
      ? kind.apiVersion.split('/')[0]
      : 'core';
    return `${kind.kind.toLowerCase()}s.${group}`;
  }

  #notServed(kind: KindTarget): string {
    return kind.crdName
      ? `CRD ${kind.crdName} not installed`
      : `${kind.apiVersion} ${kind.kind} is not served by the cluster (is its CRD installed?)`;
  }
}
