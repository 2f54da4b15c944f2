/*
 * Where one resource stands in each sync target: the targets of its repository, with the
 * resource's own record when the target holds it.
 */
import type { ResourceSyncStatus, SyncTargetStatus } from '../../api';

export interface SyncEntry {
  target: SyncTargetStatus;
  /** undefined while the target does not hold the resource (not applied yet) */
  resource?: ResourceSyncStatus;
}

export function findSyncEntries(
  targets: SyncTargetStatus[],
  ref: { kind: string; namespace: string; name: string },
  repository?: string,
): SyncEntry[] {
  return targets
    .filter(target => !repository || target.repository === repository)
    .map(target => ({
      target,
      resource: target.resources.find(
        r =>
          r.kind === ref.kind &&
          r.namespace === ref.namespace &&
          r.name === ref.name,
      ),
    }));
}
