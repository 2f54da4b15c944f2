/*
 * The configured management cluster: live Workspaces from the watch cache, start/stop by
 * server-side apply of one annotation.
 *
 * Start/stop is a runtime operation, not a Git change: it applies ONLY
 * metadata.annotations[portal.butlerlabs.dev/desired-state] with its own field manager
 * (butler-portal-runtime). Server-side apply then records that manager as the owner of that one
 * field and nothing else, so the reconciler (field manager butler-portal) keeps owning the
 * fields from Git, never sees a conflict, and does not count the annotation as drift.
 */
import {
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  DESIRED_STATE_ANNOTATION,
  RUNTIME_FIELD_MANAGER,
  type ClusterStatus,
  type LiveWorkspace,
  type WorkspaceDesiredState,
  type WorkspaceOperationResult,
} from '@butler-portal/plugin-butler-common';
import {
  describeKubernetesError,
  isFieldManagerConflict,
  makeTimeLimitedApiClient,
  type KubernetesFailure,
} from '@butler-portal/kube-node';
import { FIELD_MANAGER } from '@butler-portal/plugin-reconciler-node';
import { absentWorkspace, toLiveWorkspace } from './toLiveWorkspace';
import { WorkspaceCache, type WorkspaceCacheOptions } from './WorkspaceCache';
import {
  WORKSPACE_API_VERSION,
  WORKSPACE_KIND,
  WORKSPACE_RESOURCE,
  type WorkspaceObject,
} from './workspaceResource';
import type { WorkspaceRuntime } from './WorkspaceRuntime';

export interface ManagementClusterOptions
  extends Omit<WorkspaceCacheOptions, 'kubeConfig' | 'logger'> {
  kubeConfig: KubeConfig;
  logger?: LoggerService;
}

/** Tries of start/stop when the Workspace changes between reading and applying. */
const MAX_ATTEMPTS = 3;

/** Field managers named by a FieldManagerConflict (`conflict with "butler-portal" ...`). */
function conflictingManagers(failure: KubernetesFailure): string[] {
  return (failure.causes ?? [])
    .filter(c => c.reason === 'FieldManagerConflict')
    .map(c => /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1])
    .filter((m): m is string => !!m);
}

export class ManagementCluster implements WorkspaceRuntime {
  readonly #cache: WorkspaceCache;
  readonly #api: CustomObjectsApi;

  constructor(options: ManagementClusterOptions) {
    this.#cache = new WorkspaceCache(options);
    this.#api = makeTimeLimitedApiClient(
      options.kubeConfig,
      CustomObjectsApi,
      options.requestTimeoutMs ?? 30_000,
    );
  }

  /** The watch cache, for waiting on changes (tests, diagnostics). */
  get cache(): WorkspaceCache {
    return this.#cache;
  }

  start(): Promise<void> {
    return this.#cache.start();
  }

  stop(): Promise<void> {
    return this.#cache.stop();
  }

  status(): ClusterStatus {
    const state = this.#cache.state();
    return {
      configured: true,
      reachable: state.ready,
      ...(state.reason && { reason: state.reason }),
    };
  }

  listWorkspaces(namespace?: string): LiveWorkspace[] {
    this.#requireReady();
    return this.#cache.list(namespace).map(toLiveWorkspace);
  }

  getWorkspace(namespace: string, name: string): LiveWorkspace {
    this.#requireReady();
    const found = this.#cache.get(namespace, name);
    return found ? toLiveWorkspace(found) : absentWorkspace(namespace, name);
  }

  async setDesiredState(
    namespace: string,
    name: string,
    desiredState: WorkspaceDesiredState,
  ): Promise<WorkspaceOperationResult> {
    this.#requireReady();
    const what = `${WORKSPACE_KIND} ${namespace}/${name}`;
    let force = false;
    for (let attempt = 1; ; attempt++) {
      // read fresh (not from the cache): its resourceVersion makes the apply conditional, so
      // a Workspace deleted in the meantime is never re-created from the annotation alone
      const live = await this.#read(namespace, name);
      if (!live) {
        throw new NotFoundError(`${what} is not on the management cluster`);
      }
      try {
        await this.#api.patchNamespacedCustomObject(
          {
            ...WORKSPACE_RESOURCE,
            namespace,
            name,
            body: {
              apiVersion: WORKSPACE_API_VERSION,
              kind: WORKSPACE_KIND,
              metadata: {
                name,
                namespace,
                resourceVersion: live.metadata.resourceVersion,
                annotations: { [DESIRED_STATE_ANNOTATION]: desiredState },
              },
            },
            fieldManager: RUNTIME_FIELD_MANAGER,
            force,
          },
          setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
        );
        return { namespace, name, desiredState };
      } catch (error) {
        const failure = describeKubernetesError(error);
        if (isFieldManagerConflict(failure) && !force) {
          const owners = conflictingManagers(failure);
          if (owners.includes(FIELD_MANAGER)) {
            // Git sets the annotation: taking it over would be a change Git does not know of
            throw new ConflictError(
              `${what}: the ${DESIRED_STATE_ANNOTATION} annotation is set in Git (field manager ${FIELD_MANAGER}); remove it from the workspace's file to start and stop it from the portal`,
            );
          }
          // another runtime actor (a controller's auto-stop, kubectl) set it last: a person
          // asking for start/stop overrides that
          force = true;
          attempt--;
          continue;
        }
        if (failure.code === 409 && attempt < MAX_ATTEMPTS) continue;
        if (failure.code === 404) {
          throw new NotFoundError(`${what} is not on the management cluster`);
        }
        throw this.#callError(`setting ${what} to ${desiredState}`, failure);
      }
    }
  }

  async #read(
    namespace: string,
    name: string,
  ): Promise<WorkspaceObject | undefined> {
    try {
      return (await this.#api.getNamespacedCustomObject({
        ...WORKSPACE_RESOURCE,
        namespace,
        name,
      })) as WorkspaceObject;
    } catch (error) {
      const failure = describeKubernetesError(error);
      if (failure.code === 404) return undefined;
      throw this.#callError(
        `reading ${WORKSPACE_KIND} ${namespace}/${name}`,
        failure,
      );
    }
  }

  #callError(doing: string, failure: KubernetesFailure): Error {
    if (
      failure.network ||
      failure.timedOut ||
      failure.code === 401 ||
      failure.code === 403 ||
      failure.code === 503
    ) {
      return new ServiceUnavailableError(
        `${doing}: the management cluster cannot be used: ${failure.message}`,
      );
    }
    if (failure.code === 409) {
      return new ConflictError(`${doing}: ${failure.message}`);
    }
    return new Error(`${doing} failed: ${failure.message}`);
  }

  #requireReady(): void {
    const state = this.#cache.state();
    if (!state.ready) {
      throw new ServiceUnavailableError(
        state.reason ?? 'the management cluster is not reachable',
      );
    }
  }
}
