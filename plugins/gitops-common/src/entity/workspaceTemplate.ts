/*
 * Which WorkspaceTemplate a Workspace was made from, read the same way by the catalog module
 * (for its dependsOn relation) and the frontends (to show and look it up).
 */
import { ANNOTATION_TEMPLATE, LABEL_TEMPLATE } from './annotations';

/**
 * The template a Workspace's metadata names: the annotation, else the label of older files.
 * `<namespace>/<name>` names the template's namespace; a bare name is taken in the workspace's
 * own namespace. Undefined when neither is set, or the value is not one of those forms.
 */
export function workspaceTemplateRef(metadata: {
  namespace?: string;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}): { namespace: string; name: string } | undefined {
  const value = (
    metadata.annotations?.[ANNOTATION_TEMPLATE] ??
    metadata.labels?.[LABEL_TEMPLATE]
  )?.trim();
  if (!value) return undefined;
  const parts = value.split('/');
  if (parts.length === 1 && metadata.namespace) {
    return { namespace: metadata.namespace, name: value };
  }
  if (parts.length === 2 && parts[0] && parts[1]) {
    return { namespace: parts[0], name: parts[1] };
  }
  return undefined;
}
