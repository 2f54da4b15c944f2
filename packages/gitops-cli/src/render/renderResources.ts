/*
 * Prints what the reconciler applies as one multi-document YAML stream in a stable order. The
 * objects come from the reconciler's own desiredState() (managed-by label included), so this
 * file only orders and prints them.
 */
import {
  stringifyResource,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';

function compareResources(a: GitOpsResource, b: GitOpsResource): number {
  const keyA = [a.kind, a.metadata.namespace, a.metadata.name];
  const keyB = [b.kind, b.metadata.namespace, b.metadata.name];
  for (let i = 0; i < keyA.length; i++) {
    if (keyA[i] !== keyB[i]) return keyA[i] < keyB[i] ? -1 : 1;
  }
  return 0;
}

/** A `---`-separated YAML stream of the objects, sorted by kind, namespace and name. */
export function renderResources(objects: readonly GitOpsResource[]): string {
  return [...objects]
    .sort(compareResources)
    .map(object => `---\n${stringifyResource({ ...object })}`)
    .join('');
}
