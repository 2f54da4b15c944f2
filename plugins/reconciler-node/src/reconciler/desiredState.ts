/*
 * What Git says the targets should hold at one commit: every file in the layout's kind folders,
 * validated exactly as a change request is, rendered for the target (managed-by label added)
 * and hashed. Invalid files are returned, never dropped silently: the sync must know that the
 * commit is incomplete so that it deletes nothing.
 */
import {
  KINDS,
  parseResourcePath,
  validate,
  type KindName,
  type RepoLayout,
} from '@butler-portal/plugin-gitops-common';
import type { GitProvider } from '@butler-portal/plugin-gitops-node';
import {
  DesiredObject,
  contentHash,
  withManagedByLabel,
} from '../targets/types';
import type { InvalidFile } from './types';

export interface DesiredStateOptions {
  layout?: RepoLayout;
  /** kinds that become objects of the target; default the `applied` kinds of KINDS */
  kinds?: readonly KindName[];
  /**
   * Outcomes of files already read, by path and blob id. A file whose blob did not change
   * between two commits is neither read nor validated again, so a commit that changes one file
   * of thousands costs one read. desiredState drops the entries of files no longer in the tree.
   */
  cache?: DesiredStateCache;
}

/** What desiredState learned from one file (at one blob id). */
export type FileOutcome =
  | { type: 'object'; object: DesiredObject }
  | { type: 'invalid'; file: InvalidFile }
  | { type: 'ignored' };

/** See {@link DesiredStateOptions.cache}; keep one per layout and kinds. */
export type DesiredStateCache = Map<string, FileOutcome>;

export interface DesiredState {
  revision: string;
  objects: DesiredObject[];
  invalidFiles: InvalidFile[];
}

/** files read at once; bounded so that a large repository does not open thousands of reads */
const READ_CONCURRENCY = 16;

export async function desiredState(
  provider: Pick<GitProvider, 'listTree' | 'readFile'>,
  commit: string,
  options: DesiredStateOptions = {},
): Promise<DesiredState> {
  const kinds = new Set(
    options.kinds ?? KINDS.filter(k => k.applied).map(k => k.kind),
  );
  const root = (options.layout?.root ?? '').replace(/^\/+|\/+$/g, '');
  const prefix = root ? `${root}/` : '';
  const folders = new Set(KINDS.map(k => k.folder));

  const tree = await provider.listTree(commit, root || undefined);
  // every YAML file in a kind folder is validated, whatever its kind: a broken file anywhere in
  // the layout makes the commit one we do not delete from
  const files = tree
    .filter(entry => {
      const path = entry.path;
      if (!path.startsWith(prefix) || !/\.ya?ml$/.test(path)) return false;
      return folders.has(path.slice(prefix.length).split('/')[0]);
    })
    .sort(byPath);
  const cache = options.cache;
  const keyOf = (entry: { path: string; sha: string }) =>
    `${entry.path}\u0000${entry.sha}`;

  const outcomes = new Map<string, FileOutcome>();
  const toRead = files.filter(entry => {
    const cached = cache?.get(keyOf(entry));
    if (cached) outcomes.set(entry.path, cached);
    return !cached;
  });
  for (let i = 0; i < toRead.length; i += READ_CONCURRENCY) {
    const batch = toRead.slice(i, i + READ_CONCURRENCY);
    const contents = await Promise.all(
      batch.map(entry => provider.readFile(entry.path, commit)),
    );
    batch.forEach((entry, j) => {
      const outcome = readOutcome(entry.path, contents[j]?.content, {
        layout: options.layout,
        kinds,
      });
      outcomes.set(entry.path, outcome);
      // an unreadable file may read next time: only what the content decided is kept
      if (contents[j]) cache?.set(keyOf(entry), outcome);
    });
  }
  if (cache) {
    const current = new Set(files.map(keyOf));
    for (const key of cache.keys()) if (!current.has(key)) cache.delete(key);
  }

  const objects: DesiredObject[] = [];
  const invalidFiles: InvalidFile[] = [];
  for (const entry of files) {
    const outcome = outcomes.get(entry.path)!;
    if (outcome.type === 'object') objects.push(outcome.object);
    if (outcome.type === 'invalid') invalidFiles.push(outcome.file);
  }
  return { revision: commit, objects, invalidFiles };
}

/** code-unit order, as a plain sort() of the paths: the same on every machine */
function byPath(a: { path: string }, b: { path: string }): number {
  if (a.path === b.path) return 0;
  return a.path < b.path ? -1 : 1;
}

function readOutcome(
  path: string,
  content: string | undefined,
  options: { layout?: RepoLayout; kinds: Set<KindName> },
): FileOutcome {
  const ref = parseResourcePath(path, options.layout);
  if (content === undefined) {
    return {
      type: 'invalid',
      file: {
        path,
        ref,
        issues: [
          {
            file: path,
            path: '',
            line: 1,
            column: 1,
            message: 'listed but could not be read',
          },
        ],
      },
    };
  }
  const result = validate(content, path, { layout: options.layout });
  if (!result.ok) {
    return { type: 'invalid', file: { path, ref, issues: result.issues } };
  }
  if (!ref || !options.kinds.has(result.resource.kind)) {
    return { type: 'ignored' };
  }
  const object = withManagedByLabel(result.resource);
  return { type: 'object', object: { ref, object, hash: contentHash(object) } };
}
