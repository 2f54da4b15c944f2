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

export interface ApprovalEvaluation {
  state: ApprovalState;
  /** reviewers whose latest review requests changes */
  changesRequestedBy: string[];
}

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
  const stance = new Map<string, Review>();
  for (const review of reviews) {
    if (review.decision !== 'comment')
      stance.set(review.author.toLocaleLowerCase('en-US'), review);
  }
  const approvers = [...stance.values()]
    .filter(r => r.decision === 'approve' && r.commitSha === headSha)
    .filter(
      r =>
        policy.allowSelfApproval || !authorRef || !sameRef(r.author, authorRef),
    )
    .map(r => r.author);
  const changesRequestedBy = [...stance.values()]
    .filter(r => r.decision === 'request_changes')
    .map(r => r.author);

  const resolved = new Map<string, ResolvedOwner | undefined>();
  const missing = new Set<string>();
  for (const path of input.paths) {
    const rule = ownersOf(input.codeOwners, path);
    if (!rule) continue;
    const owners: ResolvedOwner[] = [];
    for (const token of rule.owners) {
      if (!resolved.has(token))
        resolved.set(token, await resolveOwner(token, directory));
      const owner = resolved.get(token);
      if (owner) owners.push(owner);
    }
    if (owners.length === 0) continue;
    let satisfied = false;
    for (const approver of approvers) {
      for (const owner of owners) {
        if (await isOwner(owner, approver, directory)) {
          satisfied = true;
          break;
        }
      }
      if (satisfied) break;
    }
    if (!satisfied) owners.forEach(o => missing.add(o.ref));
  }

  const state: ApprovalState = {
    required: policy.requiredApprovals,
    received: approvers.length,
    missingOwners: [...missing].sort(),
    approved:
      approvers.length >= policy.requiredApprovals &&
      missing.size === 0 &&
      changesRequestedBy.length === 0,
  };
  return { state, changesRequestedBy };
}
