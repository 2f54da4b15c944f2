/*
 * Every Workspace of the management cluster (all namespaces), kept current by a watch: the
 * generic KindInformer (list, watch, relist after 410 Gone, restart with backoff after any
 * other failure, time-limited requests) for the Workspace kind, with the workspace runtime's
 * namespace-first lookups. `state()` says why the watch is down, for ClusterStatus.
 */
import {
  KindInformer,
  type KindInformerEvent,
  type KindInformerOptions,
  type KindInformerState,
} from '@butler-portal/plugin-butler-node';
import type { WorkspaceObject } from './workspaceResource';

export type WorkspaceCacheOptions = KindInformerOptions;

export type WorkspaceCacheState = Omit<KindInformerState, 'synced'>;

export type WorkspaceCacheEvent = KindInformerEvent<WorkspaceObject>;

export class WorkspaceCache {
  readonly #informer: KindInformer<WorkspaceObject>;

  constructor(options: WorkspaceCacheOptions) {
    this.#informer = new KindInformer<WorkspaceObject>('Workspace', options);
  }

  /** Starts watching; resolves after the first attempt, whether it reached the cluster or not. */
  start(): Promise<void> {
    return this.#informer.start();
  }

  stop(): Promise<void> {
    return this.#informer.stop();
  }

  state(): WorkspaceCacheState {
    const { synced: _synced, ...state } = this.#informer.state();
    return state;
  }

  /** The Workspace as last seen, undefined when the cluster has none of that name. */
  get(namespace: string, name: string): WorkspaceObject | undefined {
    return this.#informer.get(name, namespace);
  }

  /** All Workspaces (of one namespace), sorted by namespace and name. */
  list(namespace?: string): WorkspaceObject[] {
    return this.#informer.list(namespace);
  }

  /** Called on every change the cache takes in; returns the unsubscribe function. */
  onChange(listener: (event: WorkspaceCacheEvent) => void): () => void {
    return this.#informer.onChange(listener);
  }
}
