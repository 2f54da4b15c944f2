/*
 * The live Butler objects the portal shows: one KindInformer per kind (TenantCluster,
 * TenantAddon, AddonDefinition, Team, User), started once per backend and shared by every
 * reader (the butler REST routes, the catalog module). Answers come from memory; the cluster is
 * never asked on a request, so an unreachable cluster cannot hang a page: the status names the
 * reason instead, within requestTimeoutMs of the attempt.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  INVENTORY_KINDS,
  type InventoryKind,
  type InventoryStatus,
  type KindWatchState,
} from '@butler-portal/plugin-butler-common';
import {
  KindInformer,
  type ButlerObject,
  type KindInformerOptions,
} from '../informers/KindInformer';

export type InventoryEvent = {
  kind: InventoryKind;
  type: 'add' | 'update' | 'delete';
  object: ButlerObject;
};

/** What readers of the inventory need; ClusterInventory and UnavailableInventory implement it. */
export interface ButlerInventory {
  readonly configured: boolean;
  status(): InventoryStatus;
  /** every object of a kind; empty until that kind is synced */
  list(kind: InventoryKind, namespace?: string): ButlerObject[];
  get(
    kind: InventoryKind,
    name: string,
    namespace?: string,
  ): ButlerObject | undefined;
  /** whether a kind has been listed at least once (its answers are complete) */
  synced(kind: InventoryKind): boolean;
  onChange(listener: (event: InventoryEvent) => void): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Why nothing is shown when `butler.managementCluster` is absent. */
export const NOT_CONFIGURED_REASON =
  'no management cluster is configured (butler.managementCluster)';

export class ClusterInventory implements ButlerInventory {
  readonly configured = true;
  readonly #informers: Map<InventoryKind, KindInformer>;

  constructor(
    options: KindInformerOptions & {
      kubeConfig: KubeConfig;
      logger?: LoggerService;
      /** a subset of the kinds (tests); default all */
      kinds?: readonly InventoryKind[];
    },
  ) {
    this.#informers = new Map(
      (options.kinds ?? INVENTORY_KINDS).map(kind => [
        kind,
        new KindInformer(kind, options),
      ]),
    );
  }

  async start(): Promise<void> {
    // in parallel: one slow kind must not hold up the others
    await Promise.all([...this.#informers.values()].map(i => i.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map(i => i.stop()));
  }

  status(): InventoryStatus {
    const kinds: InventoryStatus['kinds'] = {};
    const reasons: string[] = [];
    for (const [kind, informer] of this.#informers) {
      const s = informer.state();
      const state: KindWatchState = {
        synced: !!s.synced,
        watching: s.ready,
        ...(s.reason && { reason: s.reason }),
      };
      kinds[kind] = state;
      if (s.reason && !reasons.includes(s.reason)) reasons.push(s.reason);
    }
    const reachable = Object.values(kinds).every(k => k!.watching);
    return {
      configured: true,
      reachable,
      ...(!reachable && reasons.length > 0 && { reason: reasons.join('; ') }),
      kinds,
    };
  }

  list(kind: InventoryKind, namespace?: string): ButlerObject[] {
    return this.#informers.get(kind)?.list(namespace) ?? [];
  }

  get(kind: InventoryKind, name: string, namespace?: string) {
    return this.#informers.get(kind)?.get(name, namespace);
  }

  synced(kind: InventoryKind): boolean {
    return !!this.#informers.get(kind)?.state().synced;
  }

  onChange(listener: (event: InventoryEvent) => void): () => void {
    const offs = [...this.#informers].map(([kind, informer]) =>
      informer.onChange(e => listener({ kind, ...e })),
    );
    return () => offs.forEach(off => off());
  }
}

/** No cluster configured, or its kubeconfig cannot be loaded: empty, with the reason. */
export class UnavailableInventory implements ButlerInventory {
  constructor(readonly configured: boolean, private readonly reason: string) {}

  status(): InventoryStatus {
    return {
      configured: this.configured,
      reachable: false,
      reason: this.reason,
      kinds: {},
    };
  }

  list(): ButlerObject[] {
    return [];
  }

  get(): undefined {
    return undefined;
  }

  synced(): boolean {
    return false;
  }

  onChange(): () => void {
    return () => {};
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
