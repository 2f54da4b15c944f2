/*
 * The JSON of the gitops backend's REST API (plugins/gitops-backend/README.md): one definition
 * that the backend answers with and the frontend reads, so the two cannot drift apart. Pure
 * types; the backend keeps its internals (providers, reconciler records) to itself.
 */
import type { GitOpsResource, KindName, ValidationIssue } from '../kinds';

export type GitProviderType = 'local' | 'github' | 'gitlab';
export type ChangeState = 'open' | 'merged' | 'closed';
export type ChangeOperation = 'create' | 'update' | 'delete';
export type ReviewDecision = 'approve' | 'request_changes' | 'comment';
export type CheckState = 'pending' | 'success' | 'failure' | 'error';
export type FileStatus = 'added' | 'modified' | 'deleted';

/** A configured repository (`GET /repositories`). */
export interface Repository {
  /** app-config `gitops.repositories[].id` */
  id: string;
  provider: GitProviderType;
  defaultBranch: string;
  webUrl?: string;
  cloneUrl?: string;
  /** kinds whose files this repository holds */
  kinds: string[];
}

/** A resource file as it stands on the default branch (`GET /resources`). */
export interface ResourceEntry {
  repository: string;
  kind: KindName;
  namespace: string;
  name: string;
  path: string;
  /** commit id of the default branch head the listing was read at; the `baseRevision` of an update */
  revision: string;
  /**
   * the file as parsed (not checked against the kind's schema); null when it does not parse,
   * and then `issues` says why
   */
  object: GitOpsResource | null;
  issues?: ValidationIssue[];
}

/** One resource file with its text (`GET /resources/:kind/:namespace/:name`). */
export interface ResourceDetail extends ResourceEntry {
  yaml: string;
  /** open change requests touching this file */
  changes: ChangeSummary[];
}

export interface ChangeRequestAuthor {
  name: string;
  email?: string;
  login?: string;
  userRef?: string;
}

/** A resource a change request adds, edits or deletes. */
export interface ChangeResource {
  kind: KindName;
  namespace: string;
  name: string;
  operation: ChangeOperation;
}

export interface ApprovalState {
  approved: boolean;
  /** approvals required by config / branch protection */
  required: number;
  /** valid approvals on the current head */
  received: number;
  /** code owners (entity refs or provider handles) whose approval is still missing */
  missingOwners: string[];
}

/** A commit status / check run on the head of a change request. */
export interface Check {
  /** e.g. `butler-portal/validate`, `butler-portal/sync` */
  context: string;
  state: CheckState;
  description?: string;
  targetUrl?: string;
}

export interface ChangeSummary {
  /** `<repository>:<number>`, e.g. `platform:12` */
  id: string;
  repository: string;
  provider: GitProviderType;
  number: number;
  title: string;
  state: ChangeState;
  branch: string;
  targetBranch: string;
  author: ChangeRequestAuthor;
  createdAt: string;
  updatedAt: string;
  /** the change at GitHub/GitLab; absent for the local provider, where the portal is the UI */
  url?: string;
  paths: string[];
  resources: ChangeResource[];
  approval: ApprovalState;
  /** undefined while the provider is still computing it */
  mergeable?: boolean;
  /** why it cannot merge: `conflict`, `not_approved`, `checks_failed`, `closed`, ... */
  mergeableReason?: string;
  checks: Check[];
  headSha: string;
  mergeCommitSha?: string;
}

export interface Review {
  id: string;
  /** entity ref for the local provider, login for GitHub/GitLab */
  author: string;
  decision: ReviewDecision;
  comment?: string;
  submittedAt: string;
  /** the head commit the review was given on; approvals of an older head do not count */
  commitSha?: string;
}

export interface ChangeFile {
  path: string;
  status: FileStatus;
  before?: string;
  after?: string;
  /** unified diff of the file; empty when `diffTooLarge` */
  diff: string;
  /**
   * the file is too large to diff or to send whole in this answer (`before`/`after` left out):
   * view it in the repository instead
   */
  diffTooLarge?: boolean;
}

export interface ChangeValidation {
  ok: boolean;
  issues: ValidationIssue[];
}

/** One change request with its diff, reviews and validation (`GET /changes/:id`). */
export interface ChangeDetail extends ChangeSummary {
  description: string;
  reviews: Review[];
  files: ChangeFile[];
  validation: ChangeValidation;
}

/** The query of `GET /changes`. */
export interface ChangeListFilter {
  state?: ChangeState;
  /** kind name or plural */
  kind?: string;
  /** user entity ref, provider login or email of the author */
  author?: string;
  repository?: string;
}

/** Paging of `GET /changes` (newest first): `limit` rows from where `cursor` says. */
export interface ChangePageRequest extends ChangeListFilter {
  /** 1 to 500; default 100 */
  limit?: number;
  /** `nextCursor` of the previous page, unchanged */
  cursor?: string;
}

/** One page of `GET /changes`. */
export interface ChangePage {
  items: ChangeSummary[];
  /** present when there is more */
  nextCursor?: string;
}

/** The body of `POST /changes`: add, edit or delete the file of one resource. */
export interface OpenChangeRequest {
  operation: ChangeOperation;
  /** kind name or plural, case-insensitive */
  kind: string;
  namespace: string;
  name: string;
  /** the object; on update the file is edited in place, keeping comments */
  resource?: object;
  /** the whole file text instead of `resource` */
  yaml?: string;
  /** commit id from a resource listing; an update based on a stale revision is refused (409) */
  baseRevision?: string;
  title?: string;
  description?: string;
  /** repository id; defaults to the repository holding the kind */
  repository?: string;
}

/** The answer to `POST /changes` (201 opened, 200 when an idempotency key had opened it). */
export interface OpenedChange {
  id: string;
  number: number;
  repository: string;
  url?: string;
  branch: string;
  state: ChangeState;
}

/** The body of `POST /changes/from-branch`. */
export interface OpenChangeFromBranchRequest {
  repository: string;
  branch: string;
  title: string;
  description?: string;
}

/** The body of `POST /changes/:id/reviews`. */
export interface ReviewRequest {
  decision: ReviewDecision;
  comment?: string;
}

/** Whether a target holds what Git says about one resource (Argo CD's words). */
export type ResourceSyncState = 'Synced' | 'OutOfSync' | 'Drifted' | 'Failed';
/** Flux / kstatus condition of a target: done, still working on it, or stuck. */
export type SyncCondition = 'Ready' | 'Reconciling' | 'Stalled';

export interface ResourceHealth {
  /** e.g. Healthy, Progressing, Degraded, Suspended, Missing, Unknown */
  status: string;
  message?: string;
}

/** One resource as a sync target holds it. */
export interface ResourceSyncStatus {
  kind: string;
  namespace: string;
  name: string;
  status: ResourceSyncState;
  /** commit of the last successful apply; null while never applied */
  revision: string | null;
  /** CamelCase reason, e.g. `Applied`, `ApplyFailed`, `PruneGuard`, `DriftDetected`, `SelfHealed` */
  reason: string;
  /** what happened, e.g. `.spec.image changed by kubectl-patch (Update): Git has …` */
  message?: string;
  /** status Drifted: each field that differs from Git and the managers that own it now */
  drift?: Array<{ path: string; managers: string[] }>;
  /** status Failed: when the apply is tried again */
  retryAt?: string;
  lastError?: string;
  health?: ResourceHealth;
}

/** What the reconciler holds in one target for one repository (`GET /sync`). */
export interface SyncTargetStatus {
  repository: string;
  target: string;
  /** resources of the target matching the request's filters (the page holds at most `limit`) */
  resourceCount?: number;
  condition: SyncCondition;
  reason: string;
  message?: string;
  /** commit of the last completed sync; null before the first */
  revision: string | null;
  lastError?: string;
  updatedAt?: string;
  /** failed runs in a row; the next poll waits until `retryAt` */
  consecutiveFailures: number;
  retryAt?: string;
  resources: ResourceSyncStatus[];
}
