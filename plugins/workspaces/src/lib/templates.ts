/*
 * WorkspaceTemplates as the create form uses them: what to show (display name, description,
 * category), the defaults a new workspace starts from, and the largest size it may ask for.
 */
import { ANNOTATION_TEMPLATE } from '@butler-portal/plugin-gitops-common';
import type { ParsedEntry } from './workspaces';

/** Raise a template's cpu cap above its default size. */
export const ANNOTATION_MAX_CPU = 'portal.butlerlabs.dev/max-cpu';
/** Raise a template's memory cap above its default size. */
export const ANNOTATION_MAX_MEMORY = 'portal.butlerlabs.dev/max-memory';
/** Raise a template's storage cap above its default size. */
export const ANNOTATION_MAX_STORAGE = 'portal.butlerlabs.dev/max-storage';
/**
 * Which template a workspace was made from (annotation, or label on older files):
 * `<namespace>/<name>`, as the scaffolder's butler:workspace:create writes it too.
 */
export const TEMPLATE_KEY = ANNOTATION_TEMPLATE;

/** The {@link TEMPLATE_KEY} value naming a template. */
export const templateRef = (template: { namespace: string; name: string }) =>
  `${template.namespace}/${template.name}`;

/**
 * The template a workspace's {@link TEMPLATE_KEY} value names: `<namespace>/<name>`, or a bare
 * name (older files), which is looked up in the workspace's own namespace first since names
 * are only unique per namespace.
 */
export function findTemplate<T extends { namespace: string; name: string }>(
  templates: T[],
  value: string | undefined,
  workspaceNamespace: string,
): T | undefined {
  if (!value) return undefined;
  if (value.includes('/')) return templates.find(t => templateRef(t) === value);
  const named = templates.filter(t => t.name === value);
  return named.find(t => t.namespace === workspaceNamespace) ?? named[0];
}

export interface TemplateRepository {
  url: string;
  branch?: string;
  name?: string;
}

export interface TemplateInfo {
  namespace: string;
  name: string;
  displayName: string;
  description?: string;
  category?: string;
  /** `team`: made for the team of its own namespace; `cluster`: for anyone */
  scope?: string;
  image?: string;
  defaults: {
    cpu?: string;
    memory?: string;
    storageSize?: string;
    repositories: TemplateRepository[];
    dotfilesUrl?: string;
  };
  /** the largest size a workspace from this template may ask for; undefined: no cap */
  limits: { cpu?: string; memory?: string; storageSize?: string };
}

/**
 * Reads a WorkspaceTemplate. The template's own resources are the cap unless the annotations
 * `portal.butlerlabs.dev/max-cpu`, `max-memory` (and `max-storage`) set a higher one: a
 * template describes a size a team agreed on, and asking for more is a different template.
 */
export function templateInfo(entry: ParsedEntry): TemplateInfo {
  const { metadata, spec } = entry.object;
  const annotations = metadata.annotations ?? {};
  const template = spec.template ?? {};
  const resources = template.resources ?? {};
  const storage =
    template.storageSize === undefined
      ? undefined
      : String(template.storageSize);
  return {
    namespace: entry.namespace,
    name: entry.name,
    displayName: spec.displayName ?? entry.name,
    description: spec.description,
    category: spec.category,
    scope: spec.scope,
    image: template.image,
    defaults: {
      cpu: resources.cpu,
      memory: resources.memory,
      storageSize: storage,
      repositories: (template.repositories ?? []).map(
        (r: TemplateRepository) => ({
          url: r.url,
          branch: r.branch,
          name: r.name,
        }),
      ),
      dotfilesUrl: template.dotfiles?.url,
    },
    limits: {
      cpu: annotations[ANNOTATION_MAX_CPU] ?? resources.cpu,
      memory: annotations[ANNOTATION_MAX_MEMORY] ?? resources.memory,
      storageSize: annotations[ANNOTATION_MAX_STORAGE] ?? storage,
    },
  };
}
