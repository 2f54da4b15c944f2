/*
 * What the pages show of a Workspace resource, read from its spec and metadata.
 */
import {
  formatIssue,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import {
  findSyncEntries,
  type ChangeSummary,
  type ResourceEntry,
  type ResourceSyncStatus,
  type SyncTargetStatus,
} from '@butler-portal/plugin-gitops-react';
import { TEMPLATE_KEY } from './templates';

/** A listed resource whose file parses; the backend sends `object: null` for one that does not. */
export type ParsedEntry<T extends ResourceEntry = ResourceEntry> = T & {
  object: GitOpsResource;
};

export function isParsed<T extends ResourceEntry>(
  entry: T,
): entry is ParsedEntry<T> {
  return entry.object !== null;
}

/** The entry, or an error naming the file and why it does not parse (for the error panels). */
export function parsedOrThrow<T extends ResourceEntry>(
  entry: T,
): ParsedEntry<T> {
  if (isParsed(entry)) return entry;
  const issues = (entry.issues ?? []).map(formatIssue);
  throw new Error([`${entry.path} does not parse`, ...issues].join('\n'));
}

export interface WorkspaceRef {
  namespace: string;
  name: string;
}

export const refKey = (ref: WorkspaceRef) => `${ref.namespace}/${ref.name}`;

/**
 * The template a workspace came from: the annotation (or label). None without one: the image
 * is not a template, and showing it as one put the image twice in the list.
 */
export function templateOf(resource: GitOpsResource): string | undefined {
  return (
    resource.metadata.annotations?.[TEMPLATE_KEY] ??
    resource.metadata.labels?.[TEMPLATE_KEY]
  );
}

/** `2 CPU / 8Gi`, or the parts that are set. */
export function sizeOf(spec: Record<string, any>): string {
  const { cpu, memory } = spec.resources ?? {};
  const parts = [cpu ? `${cpu} CPU` : undefined, memory].filter(Boolean);
  return parts.length > 0 ? parts.join(' / ') : 'default size';
}

/** The sync state of one Workspace across the targets that hold it. */
export function syncOf(
  sync: SyncTargetStatus[] | undefined,
  ref: WorkspaceRef,
): ResourceSyncStatus[] {
  const { namespace, name } = ref;
  return findSyncEntries(sync ?? [], { kind: 'Workspace', namespace, name })
    .map(entry => entry.resource)
    .filter((r): r is ResourceSyncStatus => r !== undefined);
}

/** Open changes touching a Workspace, by `namespace/name`. */
export function changesByWorkspace(
  changes: ChangeSummary[],
): Map<string, ChangeSummary[]> {
  const byRef = new Map<string, ChangeSummary[]>();
  for (const change of changes) {
    for (const r of change.resources) {
      if (r.kind !== 'Workspace') continue;
      const key = refKey(r);
      byRef.set(key, [...(byRef.get(key) ?? []), change]);
    }
  }
  return byRef;
}

/** Which operation a change does to the given workspace. */
export function operationOn(change: ChangeSummary, ref: WorkspaceRef) {
  return change.resources.find(
    r =>
      r.kind === 'Workspace' &&
      r.namespace === ref.namespace &&
      r.name === ref.name,
  )?.operation;
}
