/*
 * Words for the states of a change request. One place, so the list, the detail page and the
 * merge button say the same thing.
 */
import type { ApprovalState, ChangeSummary, GitProviderType } from '../../api';

export const PROVIDER_NAMES: Record<GitProviderType, string> = {
  local: 'Local',
  github: 'GitHub',
  gitlab: 'GitLab',
};

export function describeApproval(approval: ApprovalState): string {
  const count = `${approval.received} of ${approval.required} approval${
    approval.required === 1 ? '' : 's'
  }`;
  const missing = approval.missingOwners.length
    ? `; missing ${approval.missingOwners.join(', ')}`
    : '';
  return `${count}${missing}`;
}

const REASONS: Record<
  string,
  (change: ChangeSummary, brief: boolean) => string
> = {
  not_approved: (c, brief) =>
    brief
      ? 'not approved yet'
      : `not approved yet (${describeApproval(c.approval)})`,
  changes_requested: () => 'changes were requested',
  conflict: c => `conflicts with ${c.targetBranch}`,
  checks_failed: () => 'checks failed',
  checks_pending: () => 'checks are still running',
  invalid: () => 'the files are not valid',
  closed: () => 'the change is closed',
  merged: () => 'the change is merged',
};

/**
 * Why a change cannot merge, readable; the server's own words when it sends a sentence.
 * `brief` leaves out what the list shows in other columns (approval counts, owners).
 */
export function describeMergeableReason(
  change: ChangeSummary,
  options: { brief?: boolean } = {},
): string {
  const reason = change.mergeableReason;
  if (!reason) {
    return change.mergeable === undefined
      ? 'mergeability is still being checked'
      : 'the provider does not allow merging it';
  }
  const known = REASONS[reason];
  return known ? known(change, !!options.brief) : reason.replace(/_/g, ' ');
}

export function describeMergeability(
  change: ChangeSummary,
  options: { brief?: boolean } = {},
): string {
  if (change.mergeable) return 'Mergeable';
  return `Not mergeable: ${describeMergeableReason(change, options)}`;
}

/** `Workspace team-a/alice-dev (create)` */
export function describeResource(resource: ChangeSummary['resources'][number]) {
  return `${resource.kind} ${resource.namespace}/${resource.name} (${resource.operation})`;
}
