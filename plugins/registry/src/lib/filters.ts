/*
 * Search and facets of the Registry page. Pure, so that the page and its tests agree on what
 * "matches" means.
 */
import type {
  ArtifactSummary,
  ArtifactType,
} from '@butler-portal/plugin-registry-common';

export interface ArtifactFilter {
  text: string;
  types: ArtifactType[];
  owners: string[];
  namespaces: string[];
  /** 'all', 'hide' (no deprecated latest), 'only' */
  deprecated: 'all' | 'hide' | 'only';
}

export const EMPTY_FILTER: ArtifactFilter = {
  text: '',
  types: [],
  owners: [],
  namespaces: [],
  deprecated: 'all',
};

/** An artifact counts as deprecated when its latest served version is. */
export function isDeprecated(artifact: ArtifactSummary): boolean {
  const latest = artifact.versions.find(v => v.version === artifact.latest);
  return latest?.state === 'deprecated';
}

export function matchesFilter(
  artifact: ArtifactSummary,
  filter: ArtifactFilter,
): boolean {
  if (filter.types.length && !filter.types.includes(artifact.type))
    return false;
  if (filter.owners.length && !filter.owners.includes(artifact.owner))
    return false;
  if (
    filter.namespaces.length &&
    !filter.namespaces.includes(artifact.namespace)
  )
    return false;
  const deprecated = isDeprecated(artifact);
  if (filter.deprecated === 'hide' && deprecated) return false;
  if (filter.deprecated === 'only' && !deprecated) return false;
  const words = filter.text.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = [
    artifact.name,
    artifact.namespace,
    artifact.title ?? '',
    artifact.description ?? '',
    artifact.owner,
    ...artifact.tags,
  ]
    .join(' ')
    .toLowerCase();
  return words.every(word => haystack.includes(word));
}

/** The values a facet offers, sorted, each once. */
export function facetValues(
  artifacts: ArtifactSummary[],
  pick: (a: ArtifactSummary) => string,
): string[] {
  return [...new Set(artifacts.map(pick))].sort();
}

export const TYPE_LABELS: Record<ArtifactType, string> = {
  'terraform-module': 'Terraform module',
  'helm-chart': 'Helm chart',
  'opa-bundle': 'OPA policy',
};
