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
  type ResourceRef,
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
import { refKey, type InvalidFile } from './types';

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
  /**
   * the desired state last computed (at `since`): when the reader made this commit's snapshot
   * from that commit's and the paths changed since, the result is that state patched at those
   * paths, with `delta` set — no pass over every object
   */
  previous?: DesiredState;
}

export interface DesiredState {
  revision: string;
  /** in path order */
  objects: DesiredObject[];
  invalidFiles: InvalidFile[];
  /**
   * set when derived from the desired state at `since`: the objects added or changed there
   * (another hash) and the objects no longer desired; every other object is the same
   */
  delta?: {
    since: string;
    changed: DesiredObject[];
    removed: ResourceRef[];
  };
}

/** the path of each desired object (same order), so that a later commit can patch by path */
const pathsOf = new WeakMap<DesiredState, string[]>();

export async function desiredState(
  provider: Pick<GitProvider, 'listTree' | 'readFile'> &
    Partial<Pick<GitProvider, 'changedPaths'>>,
  commit: string,
  options: DesiredStateOptions = {},
): Promise<DesiredState> {
  const reader =
    options.snapshots ??
    snapshotReaderFor({ provider, layout: options.layout });
  const previous = options.previous;
  // the same commit gives the same objects
  if (previous?.revision === commit && pathsOf.has(previous)) return previous;
  const snapshot = await reader.at(commit, { since: options.since });
  if (previous && snapshot.since?.commit === previous.revision) {
    const derived = deriveDesiredState(previous, snapshot, options);
    if (derived) return derived;
  }
  return desiredStateOf(snapshot, options);
}

/** what one file of a snapshot gives: a desired object, an invalid file, or nothing */
function fileOutcome(
  file: SnapshotFile,
  commit: string,
  kinds: ReadonlySet<string>,
  render: RenderStep,
): { object?: DesiredObject; invalid?: InvalidFile } {
  if (!file.resource) {
    return { invalid: { path: file.path, ref: file.ref, issues: file.issues } };
  }
  if (!file.ref || !kinds.has(file.resource.kind as KindName)) return {};
  const cached = renderedFiles(render).get(file);
  if (cached) return { object: { ...cached, revision: commit } };
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
    return {
      invalid: {
        path: file.path,
        ref: file.ref,
        issues: renderIssues(file.path, error),
      },
    };
  }
  const rendered = { ref: file.ref, object, hash: contentHash(object) };
  renderedFiles(render).set(file, rendered);
  return { object: { ...rendered, revision: commit } };
}

function kindsOf(options: Pick<DesiredStateOptions, 'kinds'>): Set<string> {
  return new Set(
    options.kinds ?? KINDS.filter(k => k.applied).map(k => k.kind),
  );
}

/** the index of `path` in `paths` (sorted), or where it would go */
function lowerBound(paths: readonly string[], path: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (paths[mid] < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `previous` patched at the paths the snapshot changed since it: the cost of the change, not
 * of the repository (objects outside those paths keep the commit they were read at). Undefined
 * when `previous` was not made here.
 */
function deriveDesiredState(
  previous: DesiredState,
  snapshot: CommitSnapshot,
  options: Pick<DesiredStateOptions, 'kinds' | 'render'>,
): DesiredState | undefined {
  const before = pathsOf.get(previous);
  if (!before || !snapshot.since) return undefined;
  const kinds = kindsOf(options);
  const render = options.render ?? renderManifest;
  // the paths changed, and every file `previous` found invalid (usually none): one that could
  // not be read (a transient provider error) may read now, also when the snapshot patched is
  // not the one `previous` was made from (dropped and read again), so it is never carried on
  const changedPaths = new Set([
    ...snapshot.since.paths,
    ...previous.invalidFiles.map(f => f.path),
  ]);
  const objects = previous.objects.slice();
  const paths = before.slice();
  const invalidFiles: InvalidFile[] = [];
  const changed: DesiredObject[] = [];
  const removed: ResourceRef[] = [];
  for (const path of changedPaths) {
    const i = lowerBound(paths, path);
    const held = paths[i] === path ? objects[i] : undefined;
    const file = snapshot.get(path);
    const { object, invalid } = file
      ? fileOutcome(file, snapshot.commit, kinds, render)
      : {};
    if (invalid) invalidFiles.push(invalid);
    if (object && held) {
      objects[i] = object;
      if (
        object.hash !== held.hash ||
        refKey(object.ref) !== refKey(held.ref)
      ) {
        changed.push(object);
      }
    } else if (object) {
      objects.splice(i, 0, object);
      paths.splice(i, 0, path);
      changed.push(object);
    } else if (held) {
      objects.splice(i, 1);
      paths.splice(i, 1);
      removed.push(held.ref);
    }
  }
  // one object at two changed paths (`a.yaml` gone, `a.yml` added): a full pass sorts it out
  const keys = new Set([...changed.map(d => d.ref), ...removed].map(refKey));
  if (keys.size !== changed.length + removed.length) return undefined;
  invalidFiles.sort((a, b) => (a.path < b.path ? -1 : 1));
  const state: DesiredState = {
    revision: snapshot.commit,
    objects,
    invalidFiles,
    delta: { since: previous.revision, changed, removed },
  };
  pathsOf.set(state, paths);
  return state;
}

/** The desired state of a snapshot: every file of it, as objects or as invalid files. */
export function desiredStateOf(
  snapshot: CommitSnapshot,
  options: Pick<DesiredStateOptions, 'kinds' | 'render'> = {},
): DesiredState {
  const kinds = kindsOf(options);
  const render = options.render ?? renderManifest;
  const objects: DesiredObject[] = [];
  const paths: string[] = [];
  const invalidFiles: InvalidFile[] = [];
  // every YAML file in a kind folder is validated, whatever its kind: a broken file anywhere in
  // the layout makes the commit one we do not delete from
  for (const file of snapshot.files) {
    const { object, invalid } = fileOutcome(
      file,
      snapshot.commit,
      kinds,
      render,
    );
    if (invalid) invalidFiles.push(invalid);
    if (object) {
      objects.push(object);
      paths.push(file.path);
    }
  }
  const state = { revision: snapshot.commit, objects, invalidFiles };
  pathsOf.set(state, paths);
  return state;
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
