/*
 * What the reconciler needs from a place it syncs to (the management cluster, a folder of
 * rendered manifests, ...). Kept small on purpose, in the spirit of Argo CD's gitops-engine: the
 * reconciler owns diffing, pruning rules and status; a target only writes, lists and deletes.
 */
import crypto from 'crypto';
import type {
  GitOpsResource,
  ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import { canonicalJson } from '@butler-portal/plugin-gitops-node';

/** Label that marks an object as owned by the portal; only such objects are ever pruned. */
export const MANAGED_BY_LABEL = 'portal.butlerlabs.dev/managed-by';
/** Value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY_VALUE = 'butler-portal';
/** Field manager of server-side apply. */
export const FIELD_MANAGER = 'butler-portal';

/** One object to apply: the resource as rendered from Git (managed-by label included). */
export interface DesiredObject {
  ref: ResourceRef;
  object: GitOpsResource;
  /** {@link contentHash} of `object` */
  hash: string;
  /** the commit the object was read at (not part of the hash); targets may record it */
  revision?: string;
}

/**
 * Outcome of applying one object; a target reports failures per object, it does not throw.
 * `permanent`: the target refused this very content (schema, validation), so only a change in
 * Git can help; the reconciler still retries it, but reports it Stalled rather than Reconciling.
 */
export type ApplyResult =
  | { ref: ResourceRef; ok: true }
  | { ref: ResourceRef; ok: false; error: string; permanent?: boolean };

export interface TargetApplyOptions {
  /**
   * take the fields the object sets from whoever owns them now (server-side apply with
   * `force: true`); fields the object does not set stay with their owners
   */
  force?: boolean;
  /**
   * false: the caller does not need to know whether an object was created, changed or left as
   * it was, so a target need not read it first (the reconciler knows from its inventory; one
   * request per object instead of two on a first sync of thousands)
   */
  reportOutcome?: boolean;
}

/** A field that differs from Git, and who owns it in the target now. */
export interface HeldFieldDrift {
  path: string;
  /** who owns the field now, e.g. `kubectl-patch (Update)`; empty when nobody does */
  managers: string[];
  desired: unknown;
  live: unknown;
  /**
   * only the portal's own field manager owns the field (by apply): not someone else's change
   * but a newer commit applied (by another replica) than the one compared with
   */
  ownManager?: boolean;
}

/** A managed object that changed in the target; `held` undefined: deleted (or unlabelled). */
export interface ManagedChange {
  ref: ResourceRef;
  held?: ManagedObject;
}

export interface ListManagedOptions {
  /** the objects the caller needs; default all */
  refs?: readonly ResourceRef[];
}

export interface ManagedWatch {
  stop(): Promise<void>;
}

/**
 * An object the target holds that carries the managed-by label. A target gives `hash` when it
 * can tell exactly what it holds (a file), or `live` (the object as the target returns it, with
 * its own added fields) when it cannot; the reconciler then checks the desired fields are there.
 */
export interface ManagedObject {
  ref: ResourceRef;
  hash?: string;
  live?: Record<string, unknown>;
}

/** Live health, named as in Argo CD (Suspended: deliberately stopped, e.g. a stopped workspace). */
export type HealthStatus =
  | 'Healthy'
  | 'Progressing'
  | 'Degraded'
  | 'Suspended'
  | 'Missing'
  | 'Unknown';

export interface ResourceHealth {
  status: HealthStatus;
  message?: string;
}

export interface SyncTarget {
  /** id of the target, the key of its state in the reconciler store (e.g. `directory`) */
  readonly name: string;
  /** writes (server-side applies) each object; one result per object, in order */
  apply(
    objects: DesiredObject[],
    options?: TargetApplyOptions,
  ): Promise<ApplyResult[]>;
  /**
   * every object of the portal's kinds that carries the managed-by label; with `refs`, only
   * those objects are needed (a target that cannot read them one by one may return more)
   */
  listManaged(options?: ListManagedOptions): Promise<ManagedObject[]>;
  /**
   * removes an object, only when it carries the managed-by label; an absent object is not an
   * error (deleting is idempotent), an unlabelled one is refused with an error
   */
  delete(ref: ResourceRef): Promise<void>;
  /** live health of one object, when the target can tell */
  health?(ref: ResourceRef): Promise<ResourceHealth>;
  /**
   * the fields where a held object differs from the desired one and who changed them, when
   * the target can tell (the Kubernetes target reads `metadata.managedFields`)
   */
  describeDrift?(desired: DesiredObject, held: ManagedObject): HeldFieldDrift[];
  /**
   * calls `onChange` for every managed object as it changes (and once per object held when
   * the watch starts), for as long as the watch runs; keeps itself connected
   */
  watchManaged?(
    onChange: (change: ManagedChange) => void,
    options?: { onError?: (error: Error) => void },
  ): Promise<ManagedWatch>;
}

/** A copy of the resource carrying the managed-by label. */
export function withManagedByLabel(resource: GitOpsResource): GitOpsResource {
  return {
    ...resource,
    metadata: {
      ...resource.metadata,
      labels: {
        ...resource.metadata.labels,
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      },
    },
  };
}

/** True when an object (as parsed from anywhere) carries the managed-by label. */
export function hasManagedByLabel(object: unknown): boolean {
  const labels = (object as { metadata?: { labels?: unknown } } | undefined)
    ?.metadata?.labels;
  return (
    typeof labels === 'object' &&
    labels !== null &&
    (labels as Record<string, unknown>)[MANAGED_BY_LABEL] === MANAGED_BY_VALUE
  );
}

/**
 * sha256 of an object's canonical JSON (keys sorted at every level), so the hash depends on the
 * content only, not on key order or YAML formatting.
 */
export function contentHash(object: unknown): string {
  return crypto
    .createHash('sha256')
    .update(canonicalJson(object))
    .digest('hex');
}
