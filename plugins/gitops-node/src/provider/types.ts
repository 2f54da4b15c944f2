/*
 * The one interface every Git hosting backend implements (local via isomorphic-git, GitHub via
 * @octokit/rest, GitLab via @gitbeaker/rest). The change-request service, the catalog providers
 * and the reconciler only ever talk to this interface, so they behave the same on every provider.
 */

import type {
  ApprovalState,
  ChangeRequestAuthor,
  ChangeState,
  Check,
  FileStatus,
  GitProviderType,
  Review,
  ReviewDecision,
} from '@butler-portal/plugin-gitops-common';

/** Who acts: the signed-in user, resolved from their catalog User entity. */
export interface Actor {
  /** Backstage entity ref, e.g. `user:default/jane` */
  userRef: string;
  /** display name, used as the commit author name */
  name: string;
  /** used as the commit author email */
  email: string;
  /** the user's own SCM token when the frontend supplied one (GitHub/GitLab); acts as the user */
  scmToken?: string;
}

/** One file change of a change request; a change request carries one commit with all of them. */
export type FileOperation =
  | { action: 'create'; path: string; content: string }
  | { action: 'update'; path: string; content: string }
  | { action: 'delete'; path: string };

export interface TreeEntry {
  path: string;
  /** blob id (git object id) */
  sha: string;
}

export interface FileContent {
  path: string;
  content: string;
  /** blob id of the content */
  sha: string;
}

/** A file's exact bytes, for content that may be binary (archives the registry serves). */
export interface FileBytes {
  path: string;
  content: Uint8Array;
  /** blob id of the content */
  sha: string;
}

export type ChangeStatus = FileStatus;

export interface ChangedPath {
  path: string;
  status: ChangeStatus;
}

export interface ChangedFile extends ChangedPath {
  /** content on the base side (absent for added files) */
  before?: string;
  /** content on the head side (absent for deleted files) */
  after?: string;
}

/*
 * What a provider reports of a change request is the JSON of the REST API as well: these shapes
 * are defined once in plugin-gitops-common.
 */
export type {
  ApprovalState,
  CheckState,
  GitProviderType,
  Review,
  ReviewDecision,
} from '@butler-portal/plugin-gitops-common';
export type ChangeRequestState = ChangeState;
export type CommitCheck = Check;

export interface ChangeRequest {
  /** stable id within the repository (the PR / MR / local change number as string) */
  id: string;
  number: number;
  /** id of the configured repository this change belongs to */
  repository: string;
  title: string;
  description: string;
  state: ChangeRequestState;
  sourceBranch: string;
  targetBranch: string;
  headSha: string;
  baseSha: string;
  mergeCommitSha?: string;
  author: ChangeRequestAuthor;
  createdAt: string;
  updatedAt: string;
  /** web URL at the provider; absent for the local provider (the portal is its UI) */
  url?: string;
  reviews: Review[];
  checks: CommitCheck[];
  approval: ApprovalState;
  /** undefined while the provider is still computing it */
  mergeable?: boolean;
  /** why it cannot merge: `conflict`, `not_approved`, `checks_failed`, `closed`, ... */
  mergeableReason?: string;
  /** repository paths touched by the change */
  paths: string[];
}

/**
 * A change request without what is costly to work out (changed paths, checks, approval,
 * mergeability): enough to filter a listing by state and author and to order it, so that a page
 * of a listing works out only its own rows.
 */
export type ChangeRecord = Pick<
  ChangeRequest,
  | 'number'
  | 'state'
  | 'author'
  | 'createdAt'
  | 'updatedAt'
  | 'sourceBranch'
  | 'targetBranch'
> & {
  /** the paths the change touches, when asked for (`withPaths`) */
  paths?: string[];
};

export interface OpenChangeInput {
  /** branch to create, e.g. `butler/workspace/alice-dev/1a2b3c4d` */
  branch: string;
  /** commit the change is based on; defaults to the head of the default branch */
  baseCommit?: string;
  title: string;
  description: string;
  /** commit message; defaults to the title */
  message?: string;
  operations: FileOperation[];
  actor: Actor;
}

/** opening a change for a branch that already exists: the branch brings the commits */
export type OpenChangeFromBranchInput = Pick<
  OpenChangeInput,
  'branch' | 'title' | 'description' | 'actor'
>;

export interface ReviewInput {
  decision: ReviewDecision;
  comment?: string;
  actor: Actor;
}

export interface ChangeFilter {
  state?: ChangeRequestState;
  /**
   * listChangeRecords: include each change's paths (a listing filtered by kind or by what the
   * caller may read needs them for every row, not only the page's)
   */
  withPaths?: boolean;
}

/**
 * The Backstage events topic every GitEvent is published on (payload: the GitEvent itself):
 * verified webhooks and the local provider's own events alike, so the catalog providers and the
 * reconciler subscribe once whatever the provider.
 */
export const GITOPS_EVENTS_TOPIC = 'butler.gitops';

/** What a verified webhook (or the local provider's own event) tells the rest of the portal. */
export type GitEvent =
  | {
      type: 'push';
      repository: string;
      branch: string;
      before?: string;
      after: string;
    }
  | {
      type: 'change';
      repository: string;
      changeId: string;
      action: 'opened' | 'updated' | 'reviewed' | 'merged' | 'closed';
    };

export interface GitProvider {
  /** the configured repository id (app-config `gitops.repositories[].id`) */
  readonly repository: string;
  readonly type: GitProviderType;

  defaultBranch(): Promise<string>;
  /** commit id at the tip of a branch (default branch when omitted) */
  head(branch?: string): Promise<string>;
  /**
   * the commit a branch, a tag (an annotated tag is peeled to its commit) or a full commit SHA
   * names, for pinning a published version. NotFoundError when nothing does, InputError when the
   * name is not a ref or a branch and a tag of that name point at different commits. Optional:
   * callers say which providers cannot resolve.
   */
  resolveRef?(ref: string): Promise<string>;
  /** a file at a revision (commit id or branch; default branch when omitted); undefined if absent */
  readFile(path: string, ref?: string): Promise<FileContent | undefined>;
  /**
   * readFile's exact bytes, without decoding as UTF-8 (which replaces invalid sequences and so
   * corrupts binary files). Optional: a caller falls back to readFile for a provider without it.
   */
  readFileBytes?(path: string, ref?: string): Promise<FileBytes | undefined>;
  /** every blob under `prefix` (whole tree when omitted) at a revision */
  listTree(ref?: string, prefix?: string): Promise<TreeEntry[]>;
  /**
   * many blobs by id at once, where the provider can do better than one readFile each (the
   * local provider streams them from one git process); ids it lacks are left out
   */
  readBlobs?(ids: readonly string[]): Promise<Map<string, string>>;
  /** paths that differ between two commits; the cost grows with the change, not the repo */
  changedPaths(fromCommit: string, toCommit: string): Promise<ChangedPath[]>;
  /** web URL to view (or edit) a file on the default branch; undefined for the local provider */
  fileUrl?(path: string, mode: 'view' | 'edit'): string | undefined;

  /** creates branch + ONE commit authored by the actor + the change request, all or nothing */
  openChange(input: OpenChangeInput): Promise<ChangeRequest>;
  /** opens a change request for a branch that already exists (e.g. pushed with `git push`) */
  openChangeFromBranch?(
    input: OpenChangeFromBranchInput,
  ): Promise<ChangeRequest>;
  listChanges(filter?: ChangeFilter): Promise<ChangeRequest[]>;
  /**
   * The records of listChanges without their computed parts, where that is much cheaper than
   * listChanges (the local provider works each change's view out from the repository); paged
   * listings then call getChange for the rows of a page only.
   */
  listChangeRecords?(filter?: ChangeFilter): Promise<ChangeRecord[]>;
  getChange(id: string): Promise<ChangeRequest | undefined>;
  /** files of a change with both sides of each, for diffs */
  getChangeFiles(id: string): Promise<ChangedFile[]>;
  review(id: string, input: ReviewInput): Promise<Review>;
  /** merges when approved, checks pass and there is no conflict; throws ConflictError otherwise */
  merge(id: string, actor: Actor): Promise<ChangeRequest>;
  close(id: string, actor: Actor): Promise<ChangeRequest>;
  setCommitStatus(sha: string, check: CommitCheck): Promise<void>;
}
