/*
 * Whether a change request is approved: enough approvals on the current head, an approval from a
 * code owner of every changed path that has owners, and no outstanding request for changes.
 * Group membership and email lookup come from the catalog through injected functions.
 */
import { ApprovalState, Review } from './types';
import { CodeOwnersRule, ownersOf } from './codeOwners';

export interface OwnerDirectory {
  /** is the user a member of the group (both entity refs) */
  isMember(userRef: string, groupRef: string): Promise<boolean>;
  /** is there a group with this ref; decides how a bare `@name` owner is read */
  isGroup(groupRef: string): Promise<boolean>;
  /** user entity ref of an email address, undefined when unknown */
  resolveEmail(email: string): Promise<string | undefined>;
}

export interface ApprovalPolicy {
  requiredApprovals: number;
  allowSelfApproval: boolean;
}

/** A CODEOWNERS owner as entity refs: `@name` may be a user or a group. */
interface ResolvedOwner {
  /** the ref shown in `missingOwners` */
  ref: string;
  userRef?: string;
  groupRef?: string;
}

const sameRef = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/**
 * `@org/team` → group:default/team; `@name` → group:default/name when the directory knows such a
 * group, else user:default/name (an approval by that user or by a member of that group counts);
 * `a@b.c` → the user the directory resolves it to (skipped when unknown, as GitHub skips invalid
 * owners).
 */
async function resolveOwner(
  token: string,
  directory: OwnerDirectory,
): Promise<ResolvedOwner | undefined> {
  if (token.startsWith('@')) {
    const name = token.slice(1);
    if (!name) return undefined;
    if (name.includes('/')) {
      const team = name.slice(name.lastIndexOf('/') + 1);
      return team
        ? { ref: `group:default/${team}`, groupRef: `group:default/${team}` }
        : undefined;
    }
    const userRef = `user:default/${name}`;
    const groupRef = `group:default/${name}`;
    return {
      ref: (await directory.isGroup(groupRef)) ? groupRef : userRef,
      userRef,
      groupRef,
    };
  }
  if (token.includes('@')) {
    const userRef = await directory.resolveEmail(token);
    return userRef ? { ref: userRef, userRef } : undefined;
  }
  return undefined;
}

async function isOwner(
  owner: ResolvedOwner,
  userRef: string,
  directory: OwnerDirectory,
) {
  if (owner.userRef && sameRef(owner.userRef, userRef)) return true;
  return (
    !!owner.groupRef && (await directory.isMember(userRef, owner.groupRef))
  );
}

/** What one reviewer currently says (their latest approve or request for changes). */
export interface ReviewStance {
  reviewer: string;
  decision: 'approve' | 'request_changes';
  /** the commit an approval was given on; approvals of an older head are stale */
  commitSha?: string;
}

/**
 * The approval rule every provider applies (local, and GitHub's mapping of its own reviews):
 * enough approvals on the current head, each approver counted once; no outstanding request for
 * changes; and, where code owners are required, an approval by an owner of every changed path
 * that has owners. Providers differ only in how they find stances and owners, so they pass those.
 */
export async function decideApproval<O extends { ref: string }>(input: {
  stances: ReviewStance[];
  headSha: string;
  requiredApprovals: number;
  requireCodeOwners: boolean;
  /** owners of each changed path that has owners; a path with none left is skipped */
  ownersByPath: Map<string, O[]>;
  /** whether one of `approvers` is (or acts for) the owner */
  ownerApproved: (owner: O, approvers: string[]) => Promise<boolean>;
  /** approvals that do not count: the author's own (unless allowed), a bot's */
  counts?: (stance: ReviewStance) => boolean;
}): Promise<ApprovalEvaluation> {
  const approvers = input.stances
    .filter(s => s.decision === 'approve' && s.commitSha === input.headSha)
    .filter(s => input.counts?.(s) ?? true)
    .map(s => s.reviewer);
  const changesRequestedBy = input.stances
    .filter(s => s.decision === 'request_changes')
    .map(s => s.reviewer);
  const missing = new Set<string>();
  for (const owners of input.ownersByPath.values()) {
    if (owners.length === 0) continue;
    let satisfied = false;
    for (const owner of owners) {
      if (await input.ownerApproved(owner, approvers)) {
        satisfied = true;
        break;
      }
    }
    if (!satisfied) owners.forEach(o => missing.add(o.ref));
  }
  const missingOwners = [...missing].sort();
  return {
    state: {
      required: input.requiredApprovals,
      received: approvers.length,
      missingOwners,
      approved:
        approvers.length >= input.requiredApprovals &&
        changesRequestedBy.length === 0 &&
        (!input.requireCodeOwners || missingOwners.length === 0),
    },
    changesRequestedBy,
  };
}

export interface ApprovalEvaluation {
  state: ApprovalState;
  /** reviewers whose latest review requests changes */
  changesRequestedBy: string[];
}

/** The local provider's reading of the rule: reviews by catalog users, owners from the catalog. */
export async function evaluateApproval(input: {
  reviews: Review[];
  headSha: string;
  authorRef?: string;
  paths: string[];
  codeOwners: CodeOwnersRule[];
  policy: ApprovalPolicy;
  directory: OwnerDirectory;
}): Promise<ApprovalEvaluation> {
  const { reviews, headSha, authorRef, policy, directory } = input;

  // a reviewer's latest approve / request_changes is their stance; comments do not change it
  const stance = new Map<string, ReviewStance>();
  for (const review of reviews) {
    if (review.decision === 'comment') continue;
    stance.set(review.author.toLocaleLowerCase('en-US'), {
      reviewer: review.author,
      decision: review.decision,
      commitSha: review.commitSha,
    });
  }

  const resolved = new Map<string, ResolvedOwner | undefined>();
  const ownersByPath = new Map<string, ResolvedOwner[]>();
  for (const path of input.paths) {
    const rule = ownersOf(input.codeOwners, path);
    if (!rule) continue;
    const owners: ResolvedOwner[] = [];
    for (const token of rule.owners) {
      if (!resolved.has(token)) resolved.set(token, await resolveOwner(token, directory));
      const owner = resolved.get(token);
      if (owner) owners.push(owner);
    }
    ownersByPath.set(path, owners);
  }

  return decideApproval({
    stances: [...stance.values()],
    headSha,
    requiredApprovals: policy.requiredApprovals,
    requireCodeOwners: true,
    ownersByPath,
    ownerApproved: async (owner, approvers) => {
      for (const approver of approvers) {
        if (await isOwner(owner, approver, directory)) return true;
      }
      return false;
    },
    counts: s => policy.allowSelfApproval || !authorRef || !sameRef(s.reviewer, authorRef),
  });
}
