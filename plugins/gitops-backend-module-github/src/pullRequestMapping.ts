/*
 * Pure mapping from GitHub's pull-request data (reviews, statuses, check runs, mergeability) to
 * the provider-neutral ChangeRequest pieces. Kept free of I/O so the rules — which review counts,
 * what blocks a merge — are readable in one place and tested without a server.
 */
import { RestEndpointMethodTypes } from '@octokit/rest';
import {
  decideApproval,
  type Actor,
  type ApprovalState,
  type ChangedPath,
  type CheckState,
  type CommitCheck,
  type Review,
  type ReviewDecision,
  type ReviewStance,
} from '@butler-portal/plugin-gitops-node';

type GithubReview =
  RestEndpointMethodTypes['pulls']['listReviews']['response']['data'][number];
type GithubStatus =
  RestEndpointMethodTypes['repos']['getCombinedStatusForRef']['response']['data']['statuses'][number];
type GithubCheckRun =
  RestEndpointMethodTypes['checks']['listForRef']['response']['data']['check_runs'][number];
type GithubFile =
  RestEndpointMethodTypes['pulls']['listFiles']['response']['data'][number];

const PORTAL = 'via Butler Portal';
const TRAILER =
  /\n*(?:---\n)?(Requested|Reviewed|Merged) by (.+?) <([^>]*)> \(([^)]*)\) via Butler Portal\s*$/;

/**
 * When the portal acts with its own GitHub identity, the person behind the action is named in a
 * trailer line of the pull-request body (or review body), e.g.
 * `Requested by Jane Doe <jane@example.com> (user:default/jane) via Butler Portal`.
 */
export function appendActorTrailer(
  text: string,
  verb: 'Requested' | 'Reviewed' | 'Merged',
  actor: Actor,
): string {
  const line = `${verb} by ${actor.name} <${actor.email}> (${actor.userRef}) ${PORTAL}`;
  return text.trim() ? `${text.trimEnd()}\n\n---\n${line}` : line;
}

export function parseActorTrailer(text: string | null | undefined): {
  text: string;
  actor?: { name: string; email: string; userRef: string };
} {
  const body = text ?? '';
  const match = TRAILER.exec(body);
  if (!match) {
    return { text: body };
  }
  return {
    text: body.slice(0, match.index),
    actor: { name: match[2], email: match[3], userRef: match[4] },
  };
}

const DECISIONS: Record<string, ReviewDecision | undefined> = {
  APPROVED: 'approve',
  CHANGES_REQUESTED: 'request_changes',
  COMMENTED: 'comment',
};

export function toReview(review: GithubReview): Review | undefined {
  const decision = DECISIONS[review.state];
  if (!decision || !review.submitted_at) {
    return undefined; // pending (unsubmitted) or dismissed reviews
  }
  return {
    id: String(review.id),
    author: review.user?.login ?? 'ghost',
    decision,
    comment: review.body || undefined,
    commitSha: review.commit_id ?? undefined,
    submittedAt: review.submitted_at,
  };
}

/**
 * GitHub's rule for what a reviewer currently thinks: their latest approve / request-changes /
 * dismissal wins; plain comments do not change it.
 */
export function latestDecisiveReviews(reviews: GithubReview[]): GithubReview[] {
  const latest = new Map<string, GithubReview>();
  for (const review of reviews) {
    const login = review.user?.login;
    if (!login) continue;
    if (review.state === 'DISMISSED') {
      latest.delete(login);
    } else if (
      review.state === 'APPROVED' ||
      review.state === 'CHANGES_REQUESTED'
    ) {
      latest.set(login, review);
    }
  }
  return [...latest.values()];
}

const CHECK_RUN_STATES: Record<string, CheckState> = {
  success: 'success',
  neutral: 'success',
  skipped: 'success',
  failure: 'failure',
  timed_out: 'failure',
  action_required: 'failure',
  cancelled: 'error',
  stale: 'pending',
  startup_failure: 'error',
};

export function toChecks(
  statuses: GithubStatus[],
  checkRuns: GithubCheckRun[],
): CommitCheck[] {
  const fromStatuses = statuses.map(status => ({
    context: status.context,
    state: status.state as CheckState,
    description: status.description ?? undefined,
    targetUrl: status.target_url ?? undefined,
  }));
  const fromRuns = checkRuns.map(run => ({
    context: run.name,
    state:
      run.status === 'completed'
        ? CHECK_RUN_STATES[run.conclusion ?? ''] ?? 'pending'
        : ('pending' as CheckState),
    description: run.output?.title ?? undefined,
    targetUrl: run.details_url ?? run.html_url ?? undefined,
  }));
  return [...fromStatuses, ...fromRuns];
}

/** Changed paths of a pull request / comparison; a rename is a deletion plus an addition. */
export function toChangedPaths(
  files: Array<Pick<GithubFile, 'filename' | 'status' | 'previous_filename'>>,
): ChangedPath[] {
  const paths: ChangedPath[] = [];
  for (const file of files) {
    switch (file.status) {
      case 'added':
      case 'copied':
        paths.push({ path: file.filename, status: 'added' });
        break;
      case 'removed':
        paths.push({ path: file.filename, status: 'deleted' });
        break;
      case 'renamed':
        if (file.previous_filename) {
          paths.push({ path: file.previous_filename, status: 'deleted' });
        }
        paths.push({ path: file.filename, status: 'added' });
        break;
      case 'unchanged':
        break;
      default:
        paths.push({ path: file.filename, status: 'modified' });
    }
  }
  return paths;
}

export interface ApprovalInput {
  reviews: GithubReview[];
  headSha: string;
  requiredApprovals: number;
  requireCodeOwnerReviews: boolean;
  /** owners (raw CODEOWNERS tokens) of each changed path that has owners */
  ownersByPath: Map<string, string[]>;
  /** whether an approver satisfies an owner token (`@user`, `@org/team`, email) */
  ownerApproved: (owner: string, approvers: string[]) => Promise<boolean>;
  /** approvals that do not count (bots) */
  counts?: (stance: ReviewStance) => boolean;
}

/** A review by a GitHub App or bot account (type Bot, or a `…[bot]` login). */
function isBot(review: GithubReview): boolean {
  return review.user?.type === 'Bot' || /\[bot\]$/.test(review.user?.login ?? '');
}

/**
 * GitHub's reviews under the portal's one approval rule (decideApproval): the stance of each
 * reviewer is GitHub's latest decisive review; code owners block when branch protection asks.
 */
export async function computeApproval(
  input: ApprovalInput,
): Promise<ApprovalState & { changesRequested: boolean }> {
  const decisive = latestDecisiveReviews(input.reviews);
  const stances: ReviewStance[] = decisive.map(r => ({
    reviewer: r.user!.login,
    decision: r.state === 'APPROVED' ? 'approve' : 'request_changes',
    commitSha: r.commit_id ?? undefined,
  }));
  // an App's or bot's approval never counts: approval is a person's review
  const bots = new Set(decisive.filter(isBot).map(r => r.user!.login));
  const ownersByPath = new Map(
    [...input.ownersByPath].map(([path, owners]) => [path, owners.map(ref => ({ ref }))]),
  );
  const { state, changesRequestedBy } = await decideApproval({
    stances,
    headSha: input.headSha,
    requiredApprovals: input.requiredApprovals,
    requireCodeOwners: input.requireCodeOwnerReviews,
    ownersByPath,
    ownerApproved: (owner, approvers) => input.ownerApproved(owner.ref, approvers),
    counts: stance => !bots.has(stance.reviewer) && (input.counts?.(stance) ?? true),
  });
  // GitHub lists owners in CODEOWNERS order; keep it
  const missingOwners = [...new Set([...input.ownersByPath.values()].flat())].filter(o =>
    state.missingOwners.includes(o),
  );
  return { ...state, missingOwners, changesRequested: changesRequestedBy.length > 0 };
}

export interface MergeabilityInput {
  state: 'open' | 'merged' | 'closed';
  draft: boolean;
  /** GitHub's `mergeable`: null while GitHub is still computing it */
  githubMergeable: boolean | null;
  githubMergeableState?: string;
  approval: ApprovalState & { changesRequested: boolean };
  checks: CommitCheck[];
  /** contexts branch protection requires; undefined = every reported check counts */
  requiredContexts?: string[];
}

/**
 * The portal's merge gate, shared by the Changes page (`mergeable` / `mergeableReason`) and
 * `merge()`: closed, conflict, draft, not approved, checks failing or pending. `mergeable` stays
 * undefined only when GitHub has not computed conflicts yet and nothing else blocks.
 */
export function computeMergeability(input: MergeabilityInput): {
  mergeable?: boolean;
  reason?: string;
} {
  if (input.state !== 'open') {
    return { mergeable: false, reason: input.state };
  }
  if (input.githubMergeable === false) {
    return { mergeable: false, reason: 'conflict' };
  }
  if (input.draft) {
    return { mergeable: false, reason: 'draft' };
  }
  if (!input.approval.approved) {
    return {
      mergeable: false,
      reason: input.approval.changesRequested
        ? 'changes_requested'
        : 'not_approved',
    };
  }
  const relevant = input.requiredContexts
    ? input.requiredContexts.map(
        context =>
          input.checks.find(c => c.context === context) ?? {
            context,
            state: 'pending' as CheckState,
          },
      )
    : input.checks;
  if (relevant.some(c => c.state === 'failure' || c.state === 'error')) {
    return { mergeable: false, reason: 'checks_failed' };
  }
  if (relevant.some(c => c.state === 'pending')) {
    return { mergeable: false, reason: 'checks_pending' };
  }
  if (input.githubMergeable === null) {
    return { mergeable: undefined };
  }
  if (input.githubMergeableState === 'blocked') {
    return { mergeable: false, reason: 'blocked' };
  }
  return { mergeable: true };
}
