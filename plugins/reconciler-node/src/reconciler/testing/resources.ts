/*
 * Test fixtures: valid resource files of the applied kinds, and a target wrapper that counts
 * what reaches the target (and can die halfway through, like a killed process).
 */
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import type {
  ApplyResult,
  DesiredObject,
  ListManagedOptions,
  ManagedObject,
  ResourceHealth,
  SyncTarget,
  TargetApplyOptions,
} from '../../targets/types';

export function workspaceYaml(
  name: string,
  owner = 'alice@example.com',
): string {
  return `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
  annotations:
    portal.butlerlabs.dev/owner: group:default/team-a
spec:
  owner: ${owner}
  clusterRef:
    name: team-a-dev
  image: golang:1.23-bookworm
  resources:
    cpu: '2'
    memory: 4Gi
  storageSize: 20Gi
`;
}

export function tenantAddonYaml(name: string): string {
  return `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: TenantAddon
metadata:
  name: ${name}
  namespace: team-a
spec:
  clusterRef:
    name: team-a-dev
  addon: ${name}
  version: v1.16.2
`;
}

/** Delegates to a real target, counting writes and deletes; `failAfter` writes, it throws. */
export class CountingTarget implements SyncTarget {
  readonly applied: ResourceRef[] = [];
  readonly deleted: ResourceRef[] = [];
  failAfter?: number;

  constructor(private readonly inner: SyncTarget) {}

  get name() {
    return this.inner.name;
  }

  async apply(
    objects: DesiredObject[],
    options?: TargetApplyOptions,
  ): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const object of objects) {
      if (
        this.failAfter !== undefined &&
        this.applied.length >= this.failAfter
      ) {
        throw new Error('target connection lost');
      }
      const [result] = await this.inner.apply([object], options);
      this.applied.push(object.ref);
      results.push(result);
    }
    return results;
  }

  /** the `refs` of each listManaged call; undefined for a listing of everything */
  readonly listings: Array<readonly ResourceRef[] | undefined> = [];

  listManaged(options?: ListManagedOptions): Promise<ManagedObject[]> {
    this.listings.push(options?.refs);
    return this.inner.listManaged(options);
  }

  async health(ref: ResourceRef): Promise<ResourceHealth> {
    return this.inner.health ? this.inner.health(ref) : { status: 'Unknown' };
  }

  async delete(ref: ResourceRef): Promise<void> {
    await this.inner.delete(ref);
    this.deleted.push(ref);
  }
}
