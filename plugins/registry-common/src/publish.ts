/*
 * Publishing a version (the Registry page's form and the butler:registry:publish action): what
 * the user typed, why it cannot be sent yet (one message per field, for live validation), and the
 * ArtifactVersion record it becomes. The user gives a branch, tag or commit (`ref`); the registry
 * resolves it to the full commit SHA at submit time (GET /api/registry/sources/resolve) and the
 * record pins that SHA as `commit`, keeping `ref` as what was asked for.
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
  /** what the user gave: a branch, a tag or a full commit SHA */
  ref: string;
  /** the full SHA `ref` resolved to; '' until it is resolved */
  commit: string;
  changelog: string;
}

export type VersionFormProblems = Partial<Record<keyof VersionForm, string>>;

const FULL_SHA = /^[0-9a-f]{40}$/;

/** True for a full, lower-case 40-hex commit SHA. */
export function isFullCommitSha(value: string): boolean {
  return FULL_SHA.test(value);
}

/**
 * Why `ref` is not a branch, tag or commit a publisher may give, or `undefined`. The same rules
 * as the backend's (git's ref-name rules for a short name): checked here for live feedback.
 */
export function refProblem(ref: string): string | undefined {
  if (!ref) return 'a branch, tag or commit SHA is required';
  if (FULL_SHA.test(ref)) return undefined;
  if (
    ref.length > 255 ||
    ref.startsWith('-') ||
    ref.startsWith('refs/') ||
    ref === 'HEAD' ||
    // eslint-disable-next-line no-control-regex
    /[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\/|^\/|\/$|\.$|\.lock(\/|$)|(^|\/)\./.test(ref)
  ) {
    return `${JSON.stringify(
      ref.slice(0, 80),
    )} is not a branch or tag name (e.g. main or v1.4.0) nor a full commit SHA`;
  }
  return undefined;
}
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
  const ref = refProblem(form.ref);
  if (ref) problems.ref = ref;
  else if (!FULL_SHA.test(form.commit)) {
    problems.commit = `${JSON.stringify(
      form.ref,
    )} is not resolved to a commit yet: a version pins the full 40-character commit SHA`;
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
          ref: form.ref || form.commit,
          commit: form.commit,
          ...(subdirectory ? { subdirectory } : {}),
        },
      },
      ...(form.changelog.trim() ? { changelog: form.changelog.trim() } : {}),
    },
  };
}
