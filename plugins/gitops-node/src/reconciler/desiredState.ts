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
import type { GitProvider } from '../provider/types';
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
}

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
    .map(entry => entry.path)
    .filter(path => {
      if (!path.startsWith(prefix) || !/\.ya?ml$/.test(path)) return false;
      return folders.has(path.slice(prefix.length).split('/')[0]);
    })
    .sort();

  const objects: DesiredObject[] = [];
  const invalidFiles: InvalidFile[] = [];
  for (let i = 0; i < files.length; i += READ_CONCURRENCY) {
    const batch = files.slice(i, i + READ_CONCURRENCY);
    const contents = await Promise.all(
      batch.map(path => provider.readFile(path, commit)),
    );
    batch.forEach((path, j) => {
      const content = contents[j];
      const ref = parseResourcePath(path, options.layout);
      if (!content) {
        invalidFiles.push({
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
        });
        return;
      }
      const result = validate(content.content, path, {
        layout: options.layout,
      });
      if (!result.ok) {
        invalidFiles.push({ path, ref, issues: result.issues });
        return;
      }
      if (!ref || !kinds.has(result.resource.kind)) {
        return;
      }
      const object = withManagedByLabel(result.resource);
      objects.push({ ref, object, hash: contentHash(object) });
    });
  }
  return { revision: commit, objects, invalidFiles };
}
