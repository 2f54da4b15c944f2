/*
 * Renders resources as the reconciler applies them: the object from Git with the portal's
 * managed-by label added (the reconciler prunes only objects that carry it), as one
 * multi-document YAML stream in a stable order.
 */
import { stringify } from 'yaml';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';

/** The label that marks objects the portal applied, and so may prune. */
export const MANAGED_BY_LABEL = 'portal.butlerlabs.dev/managed-by';
export const MANAGED_BY_VALUE = 'butler-portal';

/** The object the reconciler applies for a resource from Git. */
export function withManagedByLabel(resource: GitOpsResource): GitOpsResource {
  return {
    ...resource,
    metadata: {
      ...resource.metadata,
      labels: { ...resource.metadata.labels, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE },
    },
  };
}

function compareResources(a: GitOpsResource, b: GitOpsResource): number {
  const keyA = [a.kind, a.metadata.namespace, a.metadata.name];
  const keyB = [b.kind, b.metadata.namespace, b.metadata.name];
  for (let i = 0; i < keyA.length; i++) {
    if (keyA[i] !== keyB[i]) return keyA[i] < keyB[i] ? -1 : 1;
  }
  return 0;
}

/** A `---`-separated YAML stream of the resources, sorted by kind, namespace and name. */
export function renderResources(resources: readonly GitOpsResource[]): string {
  return [...resources]
    .sort(compareResources)
    .map(resource => `---\n${stringify(withManagedByLabel(resource))}`)
    .join('');
}
