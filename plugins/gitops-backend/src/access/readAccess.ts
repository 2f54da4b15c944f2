/*
 * What a signed-in user may read of the GitOps repositories: gitops.resource.read on each file,
 * and pipeline.read too on a Pipeline, as the policy decides them (platform admins and viewers
 * everything; anyone else the files of their teams and the files no team owns, a condition
 * applied here to the files in hand). Listings filter their rows with it BEFORE paging, so
 * counts and cursors hold; a single file or change the caller may not read is a 404, as if it
 * did not exist (a 403 would confirm it does).
 *
 * A change is read by whoever reads every file it touches (the safer rule: a change that also
 * edits another team's file shows that file's diff). Each file is judged as it stands on the
 * default branch (the parsed head snapshot, no file read again), a file the change creates by
 * its folder, and a path outside the kind folders (README, CODEOWNERS, CI) as no team's.
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
  type GitopsResourceOwnership,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import { pipelineReadPermission } from '@butler-portal/plugin-pipeline-common';
import type { RouterContext } from '../router/RouterContext';
import type { FileOwnership } from '../resources/ResourceReader';

/** a path outside the kind folders: no team owns it */
const NOBODYS: GitopsResourceOwnership = { namespace: '' };

export interface ReadAccess {
  /** every file and change is readable (no condition to apply) */
  readonly everything: boolean;
  /** one file, by its ownership */
  file(file: GitopsResourceOwnership): boolean;
  /** one change, by the paths it touches (needs `changes: true`) */
  change(change: { repository: string; paths: readonly string[] }): boolean;
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
  return {
    everything,
    file,
    change: ({ repository, paths }) =>
      everything ||
      paths.every(path => file(owned().ofPath(repository, path) ?? NOBODYS)),
    resource: (repository, ref) =>
      everything || file(owned().ofRef(repository, ref)),
  };
}
