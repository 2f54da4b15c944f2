/*
 * The gitops-resource resource type registered with the permission framework, so that the
 * permission backend can answer a decision asked with a resourceRef, as a page's usePermission
 * does (the Changes page's Approve / Merge / Close on the file a change touches). The
 * resourceRef is `<repository>:<path>`; the file is taken from the parsed head snapshot (no file
 * read), a path a change would create by its folder. The rules are declared in gitops-common
 * (names, parameters, meaning) and applied by the same function the routes use.
 */
import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  applyGitopsResourceRule,
  GITOPS_RESOURCE_RESOURCE_TYPE,
  GITOPS_RESOURCE_RULES,
  gitopsPermissions,
  type GitopsResourceOwnership,
} from '@butler-portal/plugin-gitops-common';
import { pipelinePermissions } from '@butler-portal/plugin-pipeline-common';
import type { ResourceReader } from '../resources/ResourceReader';

/** Conditions are applied in memory, to files in hand: there is no query form. */
type NoQuery = Record<string, unknown>;

const gitopsResourceRef = createPermissionResourceRef<
  GitopsResourceOwnership,
  NoQuery
>().with({ pluginId: 'gitops', resourceType: GITOPS_RESOURCE_RESOURCE_TYPE });

const isMemberOfFileOwningTeam = createPermissionRule<
  typeof gitopsResourceRef,
  { teams: string[]; namespaces: string[] }
>({
  name: GITOPS_RESOURCE_RULES.isOwningTeamMember,
  description:
    "The file's declared owning team is one of the given teams; without one, its namespace is one of the given namespaces",
  resourceRef: gitopsResourceRef,
  apply: (resource, params) =>
    applyGitopsResourceRule(
      GITOPS_RESOURCE_RULES.isOwningTeamMember,
      params,
      resource,
    ),
  toQuery: params => params,
});

const hasNoOwningTeam = createPermissionRule<
  typeof gitopsResourceRef,
  { teamNamespaces: string[] }
>({
  name: GITOPS_RESOURCE_RULES.hasNoOwningTeam,
  description:
    "The file declares no owning team and its namespace is none of the given teams' namespaces",
  resourceRef: gitopsResourceRef,
  apply: (resource, params) =>
    applyGitopsResourceRule(
      GITOPS_RESOURCE_RULES.hasNoOwningTeam,
      params,
      resource,
    ),
  toQuery: params => params,
});

const isFileOwner = createPermissionRule<
  typeof gitopsResourceRef,
  { owners: string[] }
>({
  name: GITOPS_RESOURCE_RULES.isFileOwner,
  description:
    "The file's owner (spec.owner as an email, a Workspace's owner) is one of the given emails",
  resourceRef: gitopsResourceRef,
  apply: (resource, params) =>
    applyGitopsResourceRule(GITOPS_RESOURCE_RULES.isFileOwner, params, resource),
  toQuery: params => params,
});

/** `<repository>:<path>` → repository and path; undefined when it is not one */
export function parseFileRef(
  ref: string,
): { repository: string; path: string } | undefined {
  const at = ref.indexOf(':');
  if (at <= 0 || at === ref.length - 1) return undefined;
  return { repository: ref.slice(0, at), path: ref.slice(at + 1) };
}

export function registerGitopsResourceType(
  registry: PermissionsRegistryService,
  resources: ResourceReader,
) {
  registry.addResourceType({
    resourceRef: gitopsResourceRef,
    // pipelines are GitOps files: their permissions are decided on this type too
    permissions: [...gitopsPermissions, ...pipelinePermissions],
    rules: [isMemberOfFileOwningTeam, hasNoOwningTeam, isFileOwner],
    async getResources(refs) {
      const ownership = await resources.fileOwnership();
      return refs.map(ref => {
        const file = parseFileRef(ref);
        return file ? ownership.ofPath(file.repository, file.path) : undefined;
      });
    },
  });
}
