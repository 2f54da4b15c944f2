/*
 * The Workspace custom resource of the Butler CRDs (vendor/butler-crds), as the API paths and
 * messages need it.
 */
export const WORKSPACE_GROUP = 'butler.butlerlabs.dev';
export const WORKSPACE_VERSION = 'v1alpha1';
export const WORKSPACE_API_VERSION = `${WORKSPACE_GROUP}/${WORKSPACE_VERSION}`;
export const WORKSPACE_KIND = 'Workspace';
export const WORKSPACE_PLURAL = 'workspaces';
export const WORKSPACE_CRD = `${WORKSPACE_PLURAL}.${WORKSPACE_GROUP}`;

/** Where Workspaces are, as client-node's CustomObjectsApi calls name it. */
export const WORKSPACE_RESOURCE = {
  group: WORKSPACE_GROUP,
  version: WORKSPACE_VERSION,
  plural: WORKSPACE_PLURAL,
} as const;

/** What ClusterStatus says when the cluster does not serve Workspaces. */
export const CRD_MISSING_REASON = `CRD ${WORKSPACE_CRD} not installed`;

/** A Workspace as the API returns it (plain JSON). */
export interface WorkspaceObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    resourceVersion?: string;
    annotations?: Record<string, string>;
    managedFields?: unknown[];
    [key: string]: unknown;
  };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}
