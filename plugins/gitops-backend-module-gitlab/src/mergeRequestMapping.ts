/*
 * Pure translations between GitLab's REST v4 JSON and the provider types. Only the fields the
 * portal reads are declared; GitLab sends many more.
 */
import type {
  Actor,
  ApprovalState,
  ChangedPath,
  ChangeRequestState,
  CheckState,
  CommitCheck,
  Review,
} from '@butler-portal/plugin-gitops-node';

export interface GitlabUser {
  id: number;
  username: string;
  name: string;
}

export interface GitlabMergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'locked' | 'merged';
  source_branch: string;
  target_branch: string;
  sha: string;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  author: GitlabUser;
  created_at: string;
  updated_at: string;
  web_url: string;
  draft?: boolean;
  has_conflicts?: boolean;
  merge_status?: string;
  detailed_merge_status?: string;
  diff_refs?: { base_sha: string; head_sha: string; start_sha: string } | null;
}

export interface GitlabDiff {
  old_path: string;
  new_path: string;
  new_file: boolean;
  renamed_file: boolean;
  deleted_file: boolean;
}

export interface GitlabCommitStatus {
  id: number;
  name: string;
  status: string;
  description?: string | null;
  target_url?: string | null;
  created_at: string;
}

export interface GitlabNote {
  id: number;
  body: string;
  author: GitlabUser;
  created_at: string;
  system: boolean;
}

/** `GET /merge_requests/:iid/approvals`: every tier sends `approved_by`; Premium adds the counts. */
export interface GitlabApprovals {
  approved?: boolean;
  approved_by?: Array<{ user: GitlabUser; approved_at?: string }>;
  approvals_required?: number;
  approvals_left?: number;
  approval_rules_left?: Array<{ id: number; name: string; rule_type?: string }>;
}

export interface GitlabReviewer {
  user: GitlabUser;
  state?: string;
  created_at?: string;
}

export function changeStateOf(mr: GitlabMergeRequest): ChangeRequestState {
  if (mr.state === 'merged') return 'merged';
  if (mr.state === 'opened') return 'open';
  return 'closed'; // closed, and `locked` (a transient state while GitLab merges)
}

export function checkStateOf(gitlabStatus: string): CheckState {
  switch (gitlabStatus) {
    case 'success':
      return 'success';
    case 'failed':
      return 'failure';
    case 'canceled':
    case 'skipped':
      return 'error';
    default:
      // created, pending, running, manual, scheduled, preparing, waiting_for_resource
      return 'pending';
  }
}

/** GitLab's commit-status states are pending/running/success/failed/canceled. */
export function gitlabStateOf(
  state: CheckState,
): 'pending' | 'success' | 'failed' | 'canceled' {
  switch (state) {
    case 'success':
      return 'success';
    case 'failure':
      return 'failed';
    case 'error':
      // "could not run" has no GitLab state of its own; canceled reads back as `error`.
      return 'canceled';
    default:
      return 'pending';
  }
}

export function checksOf(statuses: GitlabCommitStatus[]): CommitCheck[] {
  // GitLab returns the latest status per name unless `all=true`; keep the newest if it repeats.
  const latest = new Map<string, GitlabCommitStatus>();
  for (const status of statuses) {
    const known = latest.get(status.name);
    if (!known || known.created_at <= status.created_at) {
      latest.set(status.name, status);
    }
  }
  return [...latest.values()].map(status => ({
    context: status.name,
    state: checkStateOf(status.status),
    description: status.description ?? undefined,
    targetUrl: status.target_url ?? undefined,
  }));
}

export function changedPathsOf(diffs: GitlabDiff[]): ChangedPath[] {
  const paths: ChangedPath[] = [];
  for (const diff of diffs) {
    if (diff.new_file) {
      paths.push({ path: diff.new_path, status: 'added' });
    } else if (diff.deleted_file) {
      paths.push({ path: diff.old_path, status: 'deleted' });
    } else if (diff.renamed_file) {
      // Resources live at a path computed from their name: a rename is a delete plus an add.
      paths.push({ path: diff.old_path, status: 'deleted' });
      paths.push({ path: diff.new_path, status: 'added' });
    } else {
      paths.push({ path: diff.new_path, status: 'modified' });
    }
  }
  return paths;
}

/**
 * Approval state from the `/approvals` endpoint. Premium sends `approvals_required` and
 * `approvals_left` (GitLab enforces them); Free sends only `approved_by`, so the portal's
 * configured `requiredApprovals` decides.
 */
export function approvalStateOf(
  approvals: GitlabApprovals | undefined,
  configuredRequired: number,
): ApprovalState {
  const received = approvals?.approved_by?.length ?? 0;
  const missingOwners = (approvals?.approval_rules_left ?? [])
    .filter(rule => rule.rule_type === 'code_owner')
    .map(rule => rule.name);
  if (typeof approvals?.approvals_required === 'number') {
    const required = approvals.approvals_required;
    const left = approvals.approvals_left ?? Math.max(0, required - received);
    return {
      approved: left === 0 && missingOwners.length === 0,
      required,
      received,
      missingOwners,
    };
  }
  return {
    approved: received >= configuredRequired,
    required: configuredRequired,
    received,
    missingOwners,
  };
}

/**
 * GitLab has no "request changes" review on the REST API of every tier, so the portal writes a
 * note that starts with this marker (and withdraws the reviewer's approval). GitLab 17's
 * reviewer state `requested_changes` is read too where the instance reports it.
 */
export const CHANGES_REQUESTED_MARKER = '**Changes requested**';

const REQUESTER_MARKER = /<!-- butler-portal:requester (\{.*?\}) -->/;

/** Who asked for a write the portal made with its integration token, hidden in the text. */
export function requesterMarker(actor: Actor): string {
  const json = JSON.stringify({
    userRef: actor.userRef,
    name: actor.name,
    email: actor.email,
  })
    // keep the comment closed whatever the name contains
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e');
  return `<!-- butler-portal:requester ${json} -->`;
}

export function readRequesterMarker(
  text: string | null | undefined,
): { userRef: string; name: string; email?: string } | undefined {
  const match = text?.match(REQUESTER_MARKER);
  if (!match) return undefined;
  try {
    const parsed = JSON.parse(match[1]);
    if (
      typeof parsed?.userRef === 'string' &&
      typeof parsed?.name === 'string'
    ) {
      return {
        userRef: parsed.userRef,
        name: parsed.name,
        email: typeof parsed.email === 'string' ? parsed.email : undefined,
      };
    }
  } catch {
    // a hand-edited marker: ignore it
  }
  return undefined;
}

/** A one-line, mention-free rendering of a requester for text GitLab shows to people. */
export function describeActor(actor: Pick<Actor, 'name' | 'userRef'>): string {
  // eslint-disable-next-line no-control-regex
  const unsafe = /[\u0000-\u001f`]/g;
  const clean = (s: string) => s.replace(unsafe, ' ').slice(0, 200);
  // A zero-width space after `@` keeps GitLab from notifying whoever the name mentions.
  return `${clean(actor.name).replace(/@/g, '@\u200b')} (\`${clean(
    actor.userRef,
  )}\`)`;
}

/**
 * Reviews from approvals, notes and reviewer states.
 * @param botUsername - notes this account wrote carry the real requester in a marker
 */
export function reviewsOf(input: {
  approvals?: GitlabApprovals;
  notes: GitlabNote[];
  reviewers: GitlabReviewer[];
  botUsername?: string;
  fallbackTime: string;
}): Review[] {
  const reviews: Review[] = [];
  for (const approval of input.approvals?.approved_by ?? []) {
    reviews.push({
      id: `approval-${approval.user.id}`,
      author: approval.user.username,
      decision: 'approve',
      // GitLab lists current approvals only (it drops or keeps them on push per project
      // setting), so no head commit is claimed here; `approval` is the authority.
      submittedAt: approval.approved_at ?? input.fallbackTime,
    });
  }
  const requestedChangesBy = new Set<string>();
  for (const note of input.notes) {
    if (note.system) continue;
    const requester =
      input.botUsername && note.author.username === input.botUsername
        ? readRequesterMarker(note.body)
        : undefined;
    const author = requester?.userRef ?? note.author.username;
    const body = note.body.replace(REQUESTER_MARKER, '').trim();
    const requestsChanges = body.startsWith(CHANGES_REQUESTED_MARKER);
    if (requestsChanges) requestedChangesBy.add(author);
    reviews.push({
      id: `note-${note.id}`,
      author,
      decision: requestsChanges ? 'request_changes' : 'comment',
      comment: body,
      submittedAt: note.created_at,
    });
  }
  for (const reviewer of input.reviewers) {
    if (
      reviewer.state === 'requested_changes' &&
      !requestedChangesBy.has(reviewer.user.username)
    ) {
      reviews.push({
        id: `reviewer-${reviewer.user.id}`,
        author: reviewer.user.username,
        decision: 'request_changes',
        submittedAt: reviewer.created_at ?? input.fallbackTime,
      });
    }
  }
  return reviews.sort((a, b) => a.submittedAt.localeCompare(b.submittedAt));
}

/**
 * GitLab's view of whether the merge request can merge. `detailed_merge_status` (GitLab 15.6+)
 * is preferred; older instances only send `merge_status`.
 */
export function gitlabMergeability(mr: GitlabMergeRequest): {
  mergeable?: boolean;
  reason?: string;
} {
  if (mr.state !== 'opened') return { mergeable: false, reason: 'closed' };
  if (mr.has_conflicts) return { mergeable: false, reason: 'conflict' };
  const detailed = mr.detailed_merge_status;
  if (detailed) {
    switch (detailed) {
      case 'mergeable':
        return { mergeable: true };
      case 'unchecked':
      case 'checking':
      case 'preparing':
      case 'approvals_syncing':
        return {};
      case 'conflict':
      case 'broken_status':
        return { mergeable: false, reason: 'conflict' };
      case 'not_approved':
        return { mergeable: false, reason: 'not_approved' };
      case 'ci_must_pass':
      case 'external_status_checks':
        return { mergeable: false, reason: 'checks_failed' };
      case 'ci_still_running':
        return { mergeable: false, reason: 'checks_pending' };
      case 'draft_status':
        return { mergeable: false, reason: 'draft' };
      case 'not_open':
        return { mergeable: false, reason: 'closed' };
      case 'requested_changes':
        return { mergeable: false, reason: 'changes_requested' };
      default:
        // discussions_not_resolved, need_rebase, blocked_status, ... kept as GitLab says them
        return { mergeable: false, reason: detailed };
    }
  }
  switch (mr.merge_status) {
    case 'can_be_merged':
      return { mergeable: true };
    case 'cannot_be_merged':
      return { mergeable: false, reason: 'conflict' };
    default:
      return {};
  }
}
