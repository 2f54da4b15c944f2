/*
 * The gitops backend as the frontend sees it. One interface so that pages take it from the API
 * holder (and tests swap in a mock) rather than building URLs themselves.
 */
import type { ResponseError } from '@backstage/errors';
import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ChangeDetail,
  ChangeListFilter,
  ChangePage,
  ChangePageRequest,
  ChangeSummary,
  OpenChangeFromBranchRequest,
  OpenChangeRequest,
  OpenedChange,
  Repository,
  ResourceDetail,
  ResourceEntry,
  Review,
  ReviewRequest,
  SyncTargetStatus,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';

/**
 * What the methods reject with when the backend answers with an error: a ResponseError whose
 * message is the server's reason (for a 400 also one line per validation issue).
 */
export type GitopsRequestError = ResponseError & {
  /** validation issues of a 400; empty otherwise */
  issues: ValidationIssue[];
};

export interface GitopsApi {
  listRepositories(): Promise<Repository[]>;
  listResources(filter?: {
    kind?: string;
    namespace?: string;
    /** spec.owner (email or entity ref) or the owner annotation; filtered on the server */
    owner?: string;
  }): Promise<ResourceEntry[]>;
  getResource(ref: {
    kind: string;
    namespace: string;
    name: string;
  }): Promise<ResourceDetail>;
  /**
   * Opens a change request adding, editing or deleting one resource file. With an
   * `idempotencyKey`, a retry returns the change the first call opened instead of a second one.
   */
  openChange(
    request: OpenChangeRequest,
    options?: { idempotencyKey?: string },
  ): Promise<OpenedChange>;
  /** Turns a branch pushed with git into a change request. */
  openChangeFromBranch(
    request: OpenChangeFromBranchRequest,
  ): Promise<OpenedChange>;
  listChanges(filter?: ChangeListFilter): Promise<ChangeSummary[]>;
  /**
   * One page of changes, newest first (`GET /changes` as it is): lists show the first page
   * without waiting for the rest. Optional so that test doubles may offer listChanges only.
   */
  listChangePage?(request: ChangePageRequest): Promise<ChangePage>;
  getChange(id: string): Promise<ChangeDetail>;
  review(id: string, request: ReviewRequest): Promise<Review>;
  merge(id: string): Promise<ChangeSummary>;
  close(id: string): Promise<ChangeSummary>;
  /**
   * What the reconciler holds in each target; undefined when this backend runs no reconciler
   * (the endpoint is not there).
   */
  getSyncStatus(filter?: {
    repository?: string;
    kind?: string;
    namespace?: string;
  }): Promise<SyncTargetStatus[] | undefined>;
  /** URL of a kind's JSON Schema (served without sign-in, for editors and forms). */
  getSchemaUrl(kind: string): Promise<string>;
}

export const gitopsApiRef = createApiRef<GitopsApi>().with({
  id: 'plugin.gitops.service',
  pluginId: 'gitops',
});
