/*
 * Whether the reconciler applied a merged change, per sync target of its repository, from
 * GET /sync and the change's merge commit. The target records the commit it last synced and,
 * per resource, the commit of its last apply; a later merge may have been synced in the same
 * run, so a target that moved on to a newer commit after the merge also counts as applied.
 */
import type { ChangeSummary, SyncTargetStatus } from '../../api';

export type ChangeSyncState =
  | { state: 'Synced'; target: string; revision: string }
  | { state: 'OutOfSync'; target: string }
  | { state: 'Failed'; target: string; error: string };

/** One entry per sync target of the change's repository; none for a change not merged. */
export function changeSyncStates(
  change: ChangeSummary,
  targets: SyncTargetStatus[] | undefined,
): ChangeSyncState[] {
  const merge = change.mergeCommitSha;
  if (change.state !== 'merged' || !merge || !targets) return [];
  return targets
    .filter(t => t.repository === change.repository)
    .map(target => stateIn(change, merge, target));
}

function stateIn(
  change: ChangeSummary,
  merge: string,
  target: SyncTargetStatus,
): ChangeSyncState {
  const name = target.target;
  const mine = target.resources.filter(r =>
    change.resources.some(
      c =>
        c.kind === r.kind && c.namespace === r.namespace && c.name === r.name,
    ),
  );
  const failed = mine.find(r => r.status === 'Failed');
  if (failed) {
    return {
      state: 'Failed',
      target: name,
      error:
        failed.lastError ??
        target.lastError ??
        target.message ??
        failed.reason ??
        'apply failed',
    };
  }
  const fromTarget = (revision: string): ChangeSyncState => {
    if (target.condition === 'Ready') {
      return { state: 'Synced', target: name, revision };
    }
    if (target.condition === 'Stalled') {
      return {
        state: 'Failed',
        target: name,
        error: target.lastError ?? target.message ?? target.reason,
      };
    }
    return { state: 'OutOfSync', target: name };
  };
  if (target.revision === merge) return fromTarget(merge);
  if (
    mine.length > 0 &&
    mine.every(r => r.status === 'Synced' && r.revision === merge)
  ) {
    return { state: 'Synced', target: name, revision: merge };
  }
  // the target's state last changed after the merge: it synced a head that holds the merge
  if (
    target.revision &&
    target.updatedAt &&
    Date.parse(target.updatedAt) > Date.parse(change.updatedAt)
  ) {
    return fromTarget(target.revision);
  }
  return { state: 'OutOfSync', target: name };
}
