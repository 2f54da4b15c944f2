/*
 * The merged Keeper records: every Artifact and ArtifactVersion file on the default branch of
 * each repository that holds those kinds, at its head commit. The one place Keeper reads its
 * records, so that gitops-node's snapshot reader (one parse + validation per blob, keyed by
 * commit) can replace this implementation without touching anything else.
 */
import type {
  ArtifactRecord,
  ArtifactVersionRecord,
} from '@butler-portal/plugin-registry-common';

export interface Located<T> {
  /** configured repository id */
  repository: string;
  /** repository-relative path of the file */
  file: string;
  record: T;
}

export interface RecordProblem {
  repository: string;
  file: string;
  message: string;
}

export interface RecordsSnapshot {
  /**
   * The merged state this snapshot is of: `<repository>@<commit>` of each repository, joined
   * by ",". Equal revisions hold equal records, so it is the key of every derived cache.
   */
  revision: string;
  /** head commit of each repository */
  commits: ReadonlyMap<string, string>;
  artifacts: readonly Located<ArtifactRecord>[];
  versions: readonly Located<ArtifactVersionRecord>[];
  /** merged files that are not valid records (they are left out, and shown, never guessed) */
  problems: readonly RecordProblem[];
}

export interface MergedRecords {
  /** the records at the current heads; cheap while no merge happened */
  current(): Promise<RecordsSnapshot>;
  /** a merge happened (or may have): the next `current()` looks the heads up again */
  invalidate(repository?: string): void;
}
