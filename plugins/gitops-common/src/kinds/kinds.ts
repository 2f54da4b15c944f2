/*
 * The resource kinds Butler Portal keeps in Git. One table, read by every other part: the
 * validator picks the schema from it, the repo layout the folder, the catalog the entity kind,
 * the reconciler whether (and where) an object is applied.
 */

/** Groups of the kinds: the real Butler API, and the two portal-defined record groups. */
export const BUTLER_API_VERSION = 'butler.butlerlabs.dev/v1alpha1';
export const KEEPER_API_VERSION = 'keeper.butlerlabs.dev/v1alpha1';
export const HERALD_API_VERSION = 'herald.butlerlabs.dev/v1alpha1';

export type KindName =
  | 'Workspace'
  | 'WorkspaceTemplate'
  | 'TenantAddon'
  | 'TenantCluster'
  | 'Artifact'
  | 'ArtifactVersion'
  | 'Pipeline';

export interface KindInfo {
  kind: KindName;
  apiVersion: string;
  /** lower-case plural, as in the CRD and in URLs (`/resources/workspaces/...`) */
  plural: string;
  /** file name of the JSON Schema in the repository's schemas/ folder */
  schemaFile: string;
  /** folder of the repo layout that holds this kind, one file per object */
  folder: string;
  /** objects of this kind are custom resources the reconciler applies to the cluster */
  applied: boolean;
  /** the CRD this kind mirrors, for `applied` kinds */
  crdName?: string;
}

export const KINDS: readonly KindInfo[] = [
  {
    kind: 'Workspace',
    apiVersion: BUTLER_API_VERSION,
    plural: 'workspaces',
    schemaFile: 'workspace.schema.json',
    folder: 'workspaces',
    applied: true,
    crdName: 'workspaces.butler.butlerlabs.dev',
  },
  {
    kind: 'WorkspaceTemplate',
    apiVersion: BUTLER_API_VERSION,
    plural: 'workspacetemplates',
    schemaFile: 'workspacetemplate.schema.json',
    folder: 'workspace-templates',
    applied: true,
    crdName: 'workspacetemplates.butler.butlerlabs.dev',
  },
  {
    kind: 'TenantAddon',
    apiVersion: BUTLER_API_VERSION,
    plural: 'tenantaddons',
    schemaFile: 'tenantaddon.schema.json',
    folder: 'tenant-addons',
    applied: true,
    crdName: 'tenantaddons.butler.butlerlabs.dev',
  },
  {
    kind: 'TenantCluster',
    apiVersion: BUTLER_API_VERSION,
    plural: 'tenantclusters',
    schemaFile: 'tenantcluster.schema.json',
    folder: 'tenant-clusters',
    applied: true,
    crdName: 'tenantclusters.butler.butlerlabs.dev',
  },
  {
    kind: 'Artifact',
    apiVersion: KEEPER_API_VERSION,
    plural: 'artifacts',
    schemaFile: 'artifact.schema.json',
    folder: 'artifacts',
    applied: false,
  },
  {
    kind: 'ArtifactVersion',
    apiVersion: KEEPER_API_VERSION,
    plural: 'artifactversions',
    schemaFile: 'artifactversion.schema.json',
    folder: 'artifact-versions',
    applied: false,
  },
  {
    kind: 'Pipeline',
    apiVersion: HERALD_API_VERSION,
    plural: 'pipelines',
    schemaFile: 'pipeline.schema.json',
    folder: 'pipelines',
    applied: false,
  },
];

/** Looks a kind up by its name (case-insensitive) or plural. */
export function findKind(nameOrPlural: string): KindInfo | undefined {
  const key = nameOrPlural.toLowerCase();
  return KINDS.find(k => k.kind.toLowerCase() === key || k.plural === key);
}

/** Looks a kind up by apiVersion + kind, exactly as they stand in a file. */
export function kindOf(
  apiVersion: unknown,
  kind: unknown,
): KindInfo | undefined {
  return KINDS.find(k => k.apiVersion === apiVersion && k.kind === kind);
}
