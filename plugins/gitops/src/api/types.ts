/*
 * The shapes of the gitops backend's REST API (plugins/gitops-backend), as the browser sees them.
 * Pure types: other frontend plugins (Chambers workspaces, Keeper, Herald) import them from this
 * package's root together with the client.
 */
import type {
  GitOpsResource,
  KindName,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';

export type { ValidationIssue } from '@butler-portal/plugin-gitops-common';

export type GitProviderType = 'local' | 'github' | 'gitlab';
export type ChangeState = 'open' | 'merged' | 'closed';
export type ChangeOperation = 'create' | 'update' | 'delete';
export type ReviewDecision = 'approve' | 'request_changes' | 'comment';
export type CheckState = 'pending' | 'success' | 'failure' | 'error';
export type FileStatus = 'added' | 'modified' | 'deleted';

export interface Repository {
  id: string;
  provider: GitProviderType;
  defaultBranch: string;
  webUrl?: string;
  cloneUrl?: string;
  kinds: string[];
}

/** A resource file as it stands on the default branch. */
export interface ResourceEntry {
  repository: string;
  kind: KindName;
  namespace: string;
  name: string;
  path: string;
  /** commit id of the default branch head the listing was read at; the `baseRevision` of an update */
  revision: string;
  object: GitOpsResource;
}

export interface ResourceDetail extends ResourceEntry {
  yaml: string;
  /** open change requests touching this file */
  changes: ChangeSummary[];
}

export interface ChangeAuthor {
  name: string;
  email?: string;
  login?: string;
  userRef?: string;
}

export interface ChangeResource {
  kind: KindName;
  namespace: string;
  name: string;
  operation: ChangeOperation;
}

export interface ApprovalState {
  approved: boolean;
  required: number;
  received: number;
  /** code owners (entity refs or provider handles) whose approval is still missing */
  missingOwners: string[];
}

export interface Check {
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
  author: ChangeAuthor;
  createdAt: string;
  updatedAt: string;
  /** the change at GitHub/GitLab; absent for the local provider, where the portal is the UI */
  url?: string;
  paths: string[];
  resources: ChangeResource[];
  approval: ApprovalState;
  /** undefined while the provider is still computing it */
  mergeable?: boolean;
  mergeableReason?: string;
  checks: Check[];
  headSha: string;
  mergeCommitSha?: string;
}

export interface Review {
  id: string;
  author: string;
  decision: ReviewDecision;
  comment?: string;
  submittedAt: string;
  commitSha?: string;
}

export interface ChangeFile {
  path: string;
  status: FileStatus;
  before?: string;
  after?: string;
  /** unified diff of the file */
  diff: string;
}

export interface ChangeDetail extends ChangeSummary {
  description: string;
  reviews: Review[];
  files: ChangeFile[];
  validation: { ok: boolean; issues: ValidationIssue[] };
}

export interface ChangeFilter {
  state?: ChangeState;
  /** kind name or plural */
  kind?: string;
  /** user entity ref (or provider login) of the author */
  author?: string;
  repository?: string;
}

export interface OpenChangeRequest {
  operation: ChangeOperation;
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
  repository?: string;
}

export interface OpenedChange {
  id: string;
  number: number;
  repository: string;
  url?: string;
  branch: string;
  state: ChangeState;
}

export interface OpenChangeFromBranchRequest {
  repository: string;
  branch: string;
  title: string;
  description?: string;
}

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
  reason?: string;
  lastError?: string;
  health?: ResourceHealth;
}

/** What the reconciler holds in one target for one repository (`GET /sync`). */
export interface SyncTargetStatus {
  repository: string;
  target: string;
  condition: SyncCondition;
  reason: string;
  message?: string;
  /** commit of the last completed sync; null before the first */
  revision: string | null;
  lastError?: string;
  updatedAt?: string;
  resources: ResourceSyncStatus[];
}
