/*
 * Publishing a version (the Registry page's form and the butler:registry:publish action): what the user typed, why it cannot be sent yet (one message per field, for
 * live validation), and the ArtifactVersion record it becomes. The portal has no endpoint that
 * resolves a branch or tag to a commit, so the form pins what the user gives: a full 40-hex
 * commit SHA, written as both `ref` and `commit`.
 */
import { versionRecordName } from './names';
import { versionProblem } from './semver';
import type { ArtifactSummary, ArtifactVersionRecord } from './types';

export interface VersionForm {
  version: string;
  /** id of a portal GitOps repository, or '' for none */
  repository: string;
  url: string;
  subdirectory: string;
  commit: string;
  changelog: string;
}

export type VersionFormProblems = Partial<Record<keyof VersionForm, string>>;

const FULL_SHA = /^[0-9a-f]{40}$/;
// the git URL pattern of schemas/artifactversion.schema.json (spec.source.git.url)
const GIT_URL =
  /^(https?:\/\/|ssh:\/\/|git:\/\/|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:)[^\s'"`$;&|<>\\(){}]+$/;

/** Why each field cannot be sent; empty when the form is ready. */
export function versionFormProblems(
  form: VersionForm,
  existing: string[],
): VersionFormProblems {
  const problems: VersionFormProblems = {};
  const version = versionProblem(form.version);
  if (version) problems.version = version;
  else if (existing.includes(form.version)) {
    problems.version = `version ${form.version} already exists (merged or in an open change request)`;
  }
  if (!GIT_URL.test(form.url)) {
    problems.url =
      'a git URL is required (https://, ssh://, git:// or user@host:path)';
  }
  const sub = form.subdirectory.trim();
  if (
    sub.startsWith('/') ||
    sub.split('/').some(segment => segment === '..') ||
    sub.includes('\\')
  ) {
    problems.subdirectory =
      'the subdirectory must be a relative path inside the repository, without ".."';
  }
  if (!FULL_SHA.test(form.commit)) {
    problems.commit =
      'a full 40-character lower-case commit SHA is required: the portal cannot resolve a branch or tag to a commit, and a version must be pinned';
  }
  return problems;
}

/** The record of the new version, as the file the change request adds. */
export function versionRecord(
  artifact: Pick<ArtifactSummary, 'namespace' | 'name'>,
  form: VersionForm,
): ArtifactVersionRecord {
  const subdirectory = form.subdirectory.trim().replace(/\/+$/, '');
  return {
    apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
    kind: 'ArtifactVersion',
    metadata: {
      name: versionRecordName(artifact.name, form.version),
      namespace: artifact.namespace,
    },
    spec: {
      artifact: artifact.name,
      version: form.version,
      source: {
        git: {
          ...(form.repository ? { repository: form.repository } : {}),
          url: form.url.trim(),
          ref: form.commit,
          commit: form.commit,
          ...(subdirectory ? { subdirectory } : {}),
        },
      },
      ...(form.changelog.trim() ? { changelog: form.changelog.trim() } : {}),
    },
  };
}
