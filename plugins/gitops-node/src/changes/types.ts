/*
 * What the change-request service takes and gives. The REST shapes it answers with
 * (ChangeSummary, ChangeDetail, ...) are defined once in plugin-gitops-common, where the
 * frontend reads them too; this file adds the service's own inputs and outputs.
 */
import type {
  ChangeResource,
  KindName,
  OpenChangeRequest,
  OpenedChange,
  RepoLayout,
} from '@butler-portal/plugin-gitops-common';
import type { Actor, GitProvider } from '../provider/types';

export type {
  ChangeDetail,
  ChangeListFilter,
  ChangePage,
  ChangePageRequest,
  ChangeOperation,
  ChangeSummary,
  ChangeValidation,
} from '@butler-portal/plugin-gitops-common';

/** One configured repository as the service sees it. */
export interface ChangeRepository {
  /** app-config `gitops.repositories[].id` */
  id: string;
  provider: GitProvider;
  /** kinds whose files this repository holds */
  kinds: readonly KindName[];
  layout?: RepoLayout;
}

/** A portal write: add, edit or delete the file of one resource (the body of `POST /changes`). */
export interface ChangeSubmission extends Omit<OpenChangeRequest, 'resource'> {
  /** the object; on update the file is edited in place, keeping comments and formatting */
  resource?: Record<string, unknown>;
}

/** The signed-in user as commit author, plus what had to be guessed about them. */
export interface ChangeAuthor {
  actor: Actor;
  /** e.g. "no email in the catalog; the commit uses ..." — shown in the change description */
  notes?: string[];
}

/** a resource a change adds, edits or deletes (the service's name for the REST type) */
export type ChangeResourceRef = ChangeResource;

/** The answer to a submit: the change request, and whether this call opened it. */
export interface SubmittedChange extends OpenedChange {
  /** false when an earlier request with the same idempotency key had opened it */
  created: boolean;
}
