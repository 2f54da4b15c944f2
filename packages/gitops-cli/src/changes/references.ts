/*
 * Which resources a resource refers to, so that `validate --changed-since` also checks the
 * files that depend on a changed one (a WorkspaceTemplate changed: the Workspaces made from
 * it). The references are the ones the portal itself follows.
 */
import {
  workspaceTemplateRef,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';

/** A resource by kind, namespace and name. */
export interface ResourceKey {
  kind: string;
  namespace: string;
  name: string;
}

export function keyString(key: ResourceKey): string {
  return `${key.kind}/${key.namespace}/${key.name}`;
}

export function keyOf(resource: GitOpsResource): ResourceKey {
  return {
    kind: resource.kind,
    namespace: resource.metadata.namespace,
    name: resource.metadata.name,
  };
}

function stringAt(value: unknown, ...keys: string[]): string | undefined {
  let current = value;
  for (const key of keys) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' && current ? current : undefined;
}

/**
 * The resources `resource` refers to:
 * - Workspace: its WorkspaceTemplate (the template annotation, or the label of older files)
 *   and its TenantCluster (`spec.clusterRef`);
 * - TenantAddon: its TenantCluster (`spec.clusterRef`);
 * - ArtifactVersion: its Artifact (`spec.artifact`).
 * References are within the resource's namespace unless they name another.
 */
export function referencesOf(resource: GitOpsResource): ResourceKey[] {
  const namespace = resource.metadata.namespace;
  const refs: ResourceKey[] = [];
  const cluster = stringAt(resource, 'spec', 'clusterRef', 'name');
  switch (resource.kind) {
    case 'Workspace': {
      const template = workspaceTemplateRef(resource.metadata);
      if (template) refs.push({ kind: 'WorkspaceTemplate', ...template });
      if (cluster)
        refs.push({ kind: 'TenantCluster', namespace, name: cluster });
      break;
    }
    case 'TenantAddon':
      if (cluster)
        refs.push({ kind: 'TenantCluster', namespace, name: cluster });
      break;
    case 'ArtifactVersion': {
      const artifact = stringAt(resource, 'spec', 'artifact');
      if (artifact) refs.push({ kind: 'Artifact', namespace, name: artifact });
      break;
    }
    default:
      break;
  }
  return refs;
}
