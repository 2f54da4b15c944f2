/*
 * What a signed-in user may read of the GitOps repositories: gitops.resource.read on each file,
 * and pipeline.read too on a Pipeline, as the policy decides them (platform admins and viewers
 * everything; anyone else the files of their teams and the files no team owns, a condition
 * applied here to the files in hand). Listings filter their rows with it BEFORE paging, so
 * counts and cursors hold; a single file or change the caller may not read is a 404, as if it
 * did not exist (a 403 would confirm it does).
 *
 * A change is read by whoever reads every file it touches (the safer rule: a change that also
 * edits another team's file shows that file's diff), judged twice: each path as it stands on the
 * default branch (the parsed head snapshot; a path not there by its folder), and each file's
 * content before and after the change as the write checks judge it (router/changeOwnership.ts),
 * so a merged change that deleted a team's file stays that team's. A path under a kind folder
 * that does not parse belongs to the folder's namespace; a path outside the kind folders
 * (README, CODEOWNERS, CI) to no team. Listings judge the paths of every row first and read the
 * files of a change only where its content can differ from the head (an open or closed change,
 * a merged one touching a path no longer on the head), cached by the change's last update.
 */
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsResourceReadPermission,
  matchesGitopsResource,
  type ChangeDetail,
  type ChangeState,
  type GitopsResourceOwnership,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import { pipelineReadPermission } from '@butler-portal/plugin-pipeline-common';
import { BoundedMap, mapLimited } from '@butler-portal/plugin-gitops-node';
import { contentOwnership } from '../router/changeOwnership';
import type { RouterContext } from '../router/RouterContext';
import { placeInLayout, type FileOwnership } from '../resources/ResourceReader';

/**
 * The ownerships of changes' content before and after (small: no file text is kept), by
 * repository, number, state and last update (a change's files change only with it): a listing
 * reads a change's files once per update.
 */
class ChangeContentCache {
  private readonly entries: BoundedMap<
    string,
    Promise<GitopsResourceOwnership[]>
  >;
  constructor(max: number) {
    this.entries = new BoundedMap({ maxEntries: max });
  }
  get(
    key: string,
    read: () => Promise<GitopsResourceOwnership[]>,
  ): Promise<GitopsResourceOwnership[]> {
    const entry = this.entries.get(key);
    // a failed read is not kept
    if (!entry) return this.entries.setUntilRejected(key, read());
    // most recently used last: set again, it is the newest
    this.entries.set(key, entry);
    return entry;
  }
}
/** one cache per change service (a process may run several portals, in tests) */
const changeContentCaches = new WeakMap<object, ChangeContentCache>();
const changeContentCacheOf = (changes: object) => {
  let cache = changeContentCaches.get(changes);
  if (!cache) {
    cache = new ChangeContentCache(2000);
    changeContentCaches.set(changes, cache);
  }
  return cache;
};

/** a path outside the kind folders: no team owns it */
const NOBODYS: GitopsResourceOwnership = { namespace: '' };

export interface ReadAccess {
  /** every file and change is readable (no condition to apply) */
  readonly everything: boolean;
  /** one file, by its ownership */
  file(file: GitopsResourceOwnership): boolean;
  /** one change in hand, by its paths and its files before and after (needs `changes: true`) */
  change(change: ChangeDetail): boolean;
  /**
   * the changes of a listing the caller may read, by repository and paths (what a listing's
   * rows carry), with the content of the changes in `state` worked out first (needs
   * `changes: true`)
   */
  changeListing(filter: {
    state?: ChangeState;
    repository?: string;
  }): Promise<
    (change: { repository: string; paths: readonly string[] }) => boolean
  >;
  /** one resource of a repository by kind, namespace and name (needs `changes: true`) */
  resource(repository: string, ref: ResourceRef): boolean;
}

/**
 * The caller's read access. `changes: true` loads the head snapshots changes (and resources
 * named by kind, namespace and name) are judged on, only when a condition applies. @throws NotAllowedError when the policy refuses reading
 * outright (a disabled user, roles that cannot be read).
 */
export async function readAccessOf(
  context: RouterContext,
  credentials: BackstageCredentials<BackstageUserPrincipal>,
  options: { changes?: boolean } = {},
): Promise<ReadAccess> {
  const { resourceAuthorizer } = context;
  const [resources, pipelines] = await Promise.all(
    [gitopsResourceReadPermission, pipelineReadPermission].map(permission =>
      resourceAuthorizer.resourcePredicate(
        permission,
        credentials,
        matchesGitopsResource,
      ),
    ),
  );
  if (resources.result === AuthorizeResult.DENY) {
    throw new NotAllowedError(
      `${credentials.principal.userEntityRef} is not allowed ${gitopsResourceReadPermission.name}`,
    );
  }
  const everything =
    resources.result === AuthorizeResult.ALLOW &&
    pipelines.result === AuthorizeResult.ALLOW;
  const file = (f: GitopsResourceOwnership) =>
    everything || (resources(f) && (f.kind !== 'Pipeline' || pipelines(f)));
  const ownership: FileOwnership | undefined =
    options.changes && !everything
      ? await context.options.resources.fileOwnership()
      : undefined;
  const owned = () => {
    if (!ownership) {
      throw new Error(
        'readAccessOf: ask with { changes: true } to judge paths',
      );
    }
    return ownership;
  };
  const pathsReadable = (repository: string, paths: readonly string[]) =>
    paths.every(path => file(owned().ofPath(repository, path) ?? NOBODYS));
  const contentReadable = (repository: string, files: ChangeDetail['files']) =>
    contentOwnership(files, path => owned().placeOf(repository, path)).every(
      f => file(f),
    );
  return {
    everything,
    file,
    change: change =>
      everything ||
      (pathsReadable(change.repository, change.paths) &&
        contentReadable(change.repository, change.files)),
    changeListing: async filter => {
      if (everything) return () => true;
      // the verdict on content per repository and paths (what the listing's callback is given):
      // changes with the same paths share it, the stricter one wins
      const byPaths = new Map<string, boolean>();
      const key = (repository: string, paths: readonly string[]) =>
        JSON.stringify([repository, [...paths].sort()]);
      for (const repository of context.options.changes.repositories()) {
        if (filter.repository && repository.id !== filter.repository) continue;
        const { provider } = repository;
        const records = provider.listChangeRecords
          ? await provider.listChangeRecords({
              state: filter.state,
              withPaths: true,
            })
          : undefined;
        const rows =
          records && records.every(r => r.paths)
            ? records
            : await provider.listChanges({ state: filter.state });
        const needed = rows.filter(
          r =>
            pathsReadable(repository.id, r.paths!) &&
            (r.state !== 'merged' ||
              r.paths!.some(p => !owned().onHead(repository.id, p))),
        );
        await mapLimited(needed, 4, async r => {
          const content = await changeContentCacheOf(
            context.options.changes,
          ).get(
            `${repository.id}:${r.number}:${r.state}:${r.updatedAt}`,
            async () =>
              contentOwnership(
                await provider.getChangeFiles(String(r.number)),
                path => placeInLayout(path, repository.layout),
              ),
          );
          const k = key(repository.id, r.paths!);
          byPaths.set(k, (byPaths.get(k) ?? true) && content.every(file));
        });
      }
      return ({ repository, paths }) =>
        pathsReadable(repository, paths) &&
        (byPaths.get(key(repository, paths)) ?? true);
    },
    resource: (repository, ref) =>
      everything || file(owned().ofRef(repository, ref)),
  };
}
