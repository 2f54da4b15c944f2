/*
 * What the change-request service takes and gives: the shapes of the gitops REST contract
 * (plugins/gitops-backend/README.md), built on the provider-neutral types of ../provider.
 */
import type {
  KindName,
  RepoLayout,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type {
  Actor,
  ApprovalState,
  ChangeRequestState,
  ChangeStatus,
  CommitCheck,
  GitProvider,
  GitProviderType,
  Review,
} from '../provider/types';

/** One configured repository as the service sees it. */
export interface ChangeRepository {
  /** app-config `gitops.repositories[].id` */
  id: string;
  provider: GitProvider;
  /** kinds whose files this repository holds */
  kinds: readonly KindName[];
  layout?: RepoLayout;
}

export type ChangeOperation = 'create' | 'update' | 'delete';

/** A portal write: add, edit or delete the file of one resource. */
export interface ChangeSubmission {
  operation: ChangeOperation;
  /** kind name or plural, case-insensitive */
  kind: string;
  namespace: string;
  name: string;
  /** the object; on update the file is edited in place, keeping comments and formatting */
  resource?: Record<string, unknown>;
  /** the whole new file text, instead of `resource` */
  yaml?: string;
  /** commit id the client read the resource at; a file changed since then is a conflict */
  baseRevision?: string;
  title?: string;
  description?: string;
  /** repository id; defaults to the first repository holding the kind */
  repository?: string;
}

/** The signed-in user as commit author, plus what had to be guessed about them. */
export interface ChangeAuthor {
  actor: Actor;
  /** e.g. "no email in the catalog; the commit uses ..." — shown in the change description */
  notes?: string[];
}

export interface ChangeResourceRef {
  kind: KindName;
  namespace: string;
  name: string;
  operation: ChangeOperation;
}

export interface ChangeSummary {
  /** `<repository>:<number>` */
  id: string;
  repository: string;
  provider: GitProviderType;
  number: number;
  title: string;
  state: ChangeRequestState;
  branch: string;
  targetBranch: string;
  author: { name: string; email?: string; login?: string; userRef?: string };
  createdAt: string;
  updatedAt: string;
  url?: string;
  paths: string[];
  resources: ChangeResourceRef[];
  approval: ApprovalState;
  mergeable?: boolean;
  mergeableReason?: string;
  checks: CommitCheck[];
  headSha: string;
  mergeCommitSha?: string;
}

export interface ChangeFileDetail {
  path: string;
  status: ChangeStatus;
  before?: string;
  after?: string;
  /** unified diff of the file */
  diff: string;
}

export interface ChangeValidation {
  ok: boolean;
  issues: ValidationIssue[];
}

export interface ChangeDetail extends ChangeSummary {
  description: string;
  reviews: Review[];
  files: ChangeFileDetail[];
  validation: ChangeValidation;
}

/** The answer to a submit: the change request, and whether this call opened it. */
export interface SubmittedChange {
  id: string;
  number: number;
  repository: string;
  url?: string;
  branch: string;
  state: ChangeRequestState;
  /** false when an earlier request with the same idempotency key had opened it */
  created: boolean;
}

export interface ChangeListFilter {
  state?: ChangeRequestState;
  /** kind name or plural */
  kind?: string;
  /** user entity ref, provider login or email of the author */
  author?: string;
  repository?: string;
}
