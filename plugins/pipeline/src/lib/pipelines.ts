/*
 * What the Pipelines pages show per pipeline, from the gitops API's answers: component counts,
 * the validation state (the Herald rules on the file as listed), the sync state in each target,
 * and the change requests touching it.
 */
import {
  stringifyResource,
  type ChangeSummary,
  type ResourceEntry,
  type ResourceSyncStatus,
  type SyncTargetStatus,
} from '@butler-portal/plugin-gitops-common';
import {
  validatePipeline,
  type PipelineValidationResult,
} from '@butler-portal/plugin-pipeline-common';

export interface PipelineRef {
  namespace: string;
  name: string;
}

export const refKey = (r: PipelineRef) => `${r.namespace}/${r.name}`;

export function componentCounts(object: unknown): { sources: number; transforms: number; sinks: number } {
  const spec = (object as any)?.spec ?? {};
  const count = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).length : 0);
  return { sources: count(spec.sources), transforms: count(spec.transforms), sinks: count(spec.sinks) };
}

/** The Herald rules on a listed file (its text is re-made from the parsed object; counts only). */
export function validateEntry(entry: ResourceEntry): PipelineValidationResult {
  if (!entry.object) {
    return {
      ok: false,
      errors: (entry.issues ?? []).map(i => ({ ...i, severity: 'error' as const, rule: 'yaml' as const })),
      warnings: [],
    };
  }
  return validatePipeline(stringifyResource(entry.object as unknown as Record<string, unknown>), {
    file: entry.path,
  });
}

/** Change requests by the pipeline they touch. */
export function changesByPipeline(changes: ChangeSummary[]): Map<string, ChangeSummary[]> {
  const out = new Map<string, ChangeSummary[]>();
  for (const change of changes) {
    for (const r of change.resources) {
      if (r.kind !== 'Pipeline') continue;
      const key = refKey(r);
      const list = out.get(key) ?? [];
      if (!list.includes(change)) list.push(change);
      out.set(key, list);
    }
  }
  return out;
}

/** The pipeline's record in each sync target of its repository that holds it. */
export function syncStatesOf(
  targets: SyncTargetStatus[],
  ref: PipelineRef & { repository?: string },
): ResourceSyncStatus[] {
  return targets
    .filter(t => !ref.repository || t.repository === ref.repository)
    .flatMap(t =>
      t.resources.filter(
        r => r.kind === 'Pipeline' && r.namespace === ref.namespace && r.name === ref.name,
      ),
    );
}

/** What the change did to this pipeline. */
export function operationOn(change: ChangeSummary, ref: PipelineRef) {
  return change.resources.find(
    r => r.kind === 'Pipeline' && r.namespace === ref.namespace && r.name === ref.name,
  )?.operation;
}
