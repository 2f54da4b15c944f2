/*
 * What Git says the targets should hold at one commit: every file in the layout's kind folders,
 * validated exactly as a change request is (by the shared commit snapshot), rendered for the
 * target and hashed. Invalid files are returned, never dropped silently: the sync must know that
 * the commit is incomplete so that it deletes nothing.
 */
import {
  KINDS,
  type KindName,
  type RepoLayout,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import {
  snapshotReaderFor,
  type CommitSnapshot,
  type GitProvider,
  type SnapshotFile,
  type SnapshotReader,
} from '@butler-portal/plugin-gitops-node';
import {
  RenderRefusedError,
  renderManifest,
  type RenderStep,
} from '../render/renderStep';
import { DesiredObject, contentHash } from '../targets/types';
import type { InvalidFile } from './types';

export interface DesiredStateOptions {
  layout?: RepoLayout;
  /** kinds that become objects of the target; default the `applied` kinds of KINDS */
  kinds?: readonly KindName[];
  /** what the target receives for a resource; default the manifest with the managed-by label */
  render?: RenderStep;
  /**
   * the reader of the repository's commits; default the process-wide one of the provider, so
   * that a blob already read for the catalog or the resources API is not read again
   */
  snapshots?: SnapshotReader;
  /**
   * a commit read before (the one last synced): the reader then lists only the paths changed
   * since, when it still keeps that commit
   */
  since?: string;
}

export interface DesiredState {
  revision: string;
  objects: DesiredObject[];
  invalidFiles: InvalidFile[];
}

export async function desiredState(
  provider: Pick<GitProvider, 'listTree' | 'readFile'> &
    Partial<Pick<GitProvider, 'changedPaths'>>,
  commit: string,
  options: DesiredStateOptions = {},
): Promise<DesiredState> {
  const reader =
    options.snapshots ??
    snapshotReaderFor({ provider, layout: options.layout });
  return desiredStateOf(
    await reader.at(commit, { since: options.since }),
    options,
  );
}

/** The desired state of a snapshot: every file of it, as objects or as invalid files. */
export function desiredStateOf(
  snapshot: CommitSnapshot,
  options: Pick<DesiredStateOptions, 'kinds' | 'render'> = {},
): DesiredState {
  const kinds = new Set(
    options.kinds ?? KINDS.filter(k => k.applied).map(k => k.kind),
  );
  const render = options.render ?? renderManifest;
  const objects: DesiredObject[] = [];
  const invalidFiles: InvalidFile[] = [];
  // every YAML file in a kind folder is validated, whatever its kind: a broken file anywhere in
  // the layout makes the commit one we do not delete from
  for (const file of snapshot.files) {
    if (!file.resource) {
      invalidFiles.push({
        path: file.path,
        ref: file.ref,
        issues: file.issues,
      });
      continue;
    }
    if (!file.ref || !kinds.has(file.resource.kind as KindName)) continue;
    const cached = renderedFiles(render).get(file);
    if (cached) {
      objects.push({ ...cached, revision: snapshot.commit });
      continue;
    }
    let object;
    try {
      object = render(file.resource, file.ref, {
        path: file.path,
        content: file.content,
        blob: file.blob,
      });
    } catch (error) {
      // a step that refuses the resource (a Pipeline failing the Herald rules, say) makes the
      // file invalid: the target keeps what it holds for it, and the commit deletes nothing
      invalidFiles.push({
        path: file.path,
        ref: file.ref,
        issues: renderIssues(file.path, error),
      });
      continue;
    }
    const rendered = { ref: file.ref, object, hash: contentHash(object) };
    renderedFiles(render).set(file, rendered);
    objects.push({ ...rendered, revision: snapshot.commit });
  }
  return { revision: snapshot.commit, objects, invalidFiles };
}

/**
 * Rendered and hashed objects by snapshot file, per render step. The snapshot reader hands out
 * the same file object for the same path and blob at every commit, so a commit that changes one
 * file of thousands renders and hashes one object, not all of them.
 */
const rendered = new WeakMap<
  RenderStep,
  WeakMap<SnapshotFile, Omit<DesiredObject, 'revision'>>
>();

function renderedFiles(
  render: RenderStep,
): WeakMap<SnapshotFile, Omit<DesiredObject, 'revision'>> {
  let files = rendered.get(render);
  if (!files) {
    files = new WeakMap();
    rendered.set(render, files);
  }
  return files;
}

function renderIssues(path: string, error: unknown): ValidationIssue[] {
  if (error instanceof RenderRefusedError && error.issues.length > 0) {
    return error.issues.map(issue => ({ ...issue, file: issue.file ?? path }));
  }
  const message = error instanceof Error ? error.message : String(error);
  return [
    {
      file: path,
      path: '',
      line: 1,
      column: 1,
      message: `cannot be rendered: ${message}`,
    },
  ];
}
