/*
 * metadata.managedFields: who owns which field, updated on every write the way the apiserver's
 * field manager does it.
 * - Apply (server-side apply): the manager comes to own exactly the fields of its configuration;
 *   fields another manager owns with a different value are conflicts unless forced (then they
 *   change hands); fields the manager applied before and no longer sets are removed unless
 *   someone else owns them.
 * - Update (create, update, merge/JSON patch): the manager comes to own what it added or
 *   changed, and other managers lose those fields.
 * Server-maintained metadata is never owned, and the status subresource splits ownership: the
 * main resource never owns status, the status subresource owns nothing else.
 */
import { OpenApiSchema } from '../schema/structural';
import { FieldPath, FieldSet, fieldElement, pathToString } from './FieldSet';
import {
  compareObjects,
  mergeApplied,
  removeFields,
  toFieldSet,
} from './objectFields';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

export interface Manager {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

export function decodeManagedFields(entries: unknown): Manager[] {
  if (!Array.isArray(entries)) return [];
  return entries.map((e: ManagedFieldsEntry) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.subresource ? { subresource: e.subresource } : {}),
    ...(e.time ? { time: e.time } : {}),
    set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}),
  }));
}

/** Byte order, as Go compares strings (localeCompare would not). */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/**
 * The entries as the apiserver writes them: appliers first, then updaters; within each, oldest
 * first (by whole seconds), then by manager, apiVersion and subresource. An empty manager name
 * (a default manager from an empty User-Agent) is left out, as Go's omitempty does.
 */
export function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  const seconds = (m: Manager) => (m.time ? Date.parse(m.time) / 1000 : 0);
  return [...managers]
    .sort(
      (p, q) =>
        compareStrings(p.operation, q.operation) ||
        seconds(p) - seconds(q) ||
        compareStrings(p.manager, q.manager) ||
        compareStrings(p.apiVersion, q.apiVersion) ||
        compareStrings(p.subresource ?? '', q.subresource ?? ''),
    )
    .map(m => ({
      ...(m.manager ? { manager: m.manager } : {}),
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time ? { time: m.time } : {}),
      fieldsType: 'FieldsV1' as const,
      fieldsV1: m.set.toFieldsV1(),
      ...(m.subresource ? { subresource: m.subresource } : {}),
    })) as ManagedFieldsEntry[];
}

/**
 * The apiserver's key for a manager (BuildManagerIdentifier): the entry as JSON without time,
 * fieldsType and fields, and without apiVersion for appliers. Conflict listings are sorted by it.
 */
export function managerIdentifier(m: Omit<Manager, 'set'>): string {
  return JSON.stringify({
    ...(m.manager ? { manager: m.manager } : {}),
    operation: m.operation,
    ...(m.operation === 'Update' && m.apiVersion
      ? { apiVersion: m.apiVersion }
      : {}),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  });
}

/** Appliers are one manager whatever apiVersion they use; updaters are one per apiVersion. */
function sameManager(a: Manager, b: Omit<Manager, 'set'>): boolean {
  return (
    a.manager === b.manager &&
    a.operation === b.operation &&
    (a.subresource ?? '') === (b.subresource ?? '') &&
    (a.operation === 'Apply' || a.apiVersion === b.apiVersion)
  );
}

/**
 * How a conflict names a manager (the apiserver's printManager): `"name"` for appliers,
 * `"name" using <apiVersion>` for updaters, with `with subresource "status"` after the name
 * for writes through a subresource.
 */
export function describeManager(m: Omit<Manager, 'set'>): string {
  let out = JSON.stringify(m.manager);
  if (m.subresource)
    out += ` with subresource ${JSON.stringify(m.subresource)}`;
  return m.operation === 'Update' ? `${out} using ${m.apiVersion}` : out;
}

const SERVER_METADATA = [
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'managedFields',
  'resourceVersion',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** Drops fields no manager can own, and the fields the endpoint resets. */
function ownable(
  set: FieldSet,
  subresource: string | undefined,
  statusSubresource: boolean,
): FieldSet {
  const out = set.clone();
  out.children.delete(fieldElement('apiVersion'));
  out.children.delete(fieldElement('kind'));
  const metadata = out.children.get(fieldElement('metadata'));
  if (metadata) {
    metadata.member = false;
    for (const f of SERVER_METADATA) metadata.children.delete(fieldElement(f));
  }
  if (subresource === 'status') {
    for (const key of [...out.children.keys()]) {
      if (key !== fieldElement('status')) out.children.delete(key);
    }
  } else if (statusSubresource) {
    out.children.delete(fieldElement('status'));
  }
  return out.members().reduce((acc, p) => {
    acc.insert(p);
    return acc;
  }, new FieldSet());
}

export class ApplyConflictError extends Error {
  constructor(
    readonly conflicts: Array<{ manager: Manager; paths: FieldPath[] }>,
  ) {
    super(conflictMessage(conflicts));
    this.name = 'ApplyConflictError';
  }
}

/**
 * The apiserver's message (getConflictMessage): one conflict on one line; several grouped by
 * manager, managers sorted by their identifier, paths in field-set order.
 */
function conflictMessage(
  conflicts: Array<{ manager: Manager; paths: FieldPath[] }>,
): string {
  const total = conflicts.reduce((n, c) => n + c.paths.length, 0);
  if (total === 1) {
    const [c] = conflicts;
    return `Apply failed with 1 conflict: conflict with ${describeManager(
      c.manager,
    )}: ${pathToString(c.paths[0])}`;
  }
  const lines: string[] = [];
  const sorted = [...conflicts].sort((a, b) => {
    return compareStrings(
      managerIdentifier(a.manager),
      managerIdentifier(b.manager),
    );
  });
  for (const c of sorted) {
    lines.push(`conflicts with ${describeManager(c.manager)}:`);
    for (const p of c.paths) lines.push(`- ${pathToString(p)}`);
  }
  return `Apply failed with ${total} conflicts: ${lines.join('\n')}`;
}

/** The configuration sets fields the schema does not declare (structured-merge-diff errors). */
export class TypedPatchError extends Error {
  constructor(readonly errors: string[]) {
    super(
      errors.length === 1 ? errors[0] : `errors:\n  ${errors.join('\n  ')}`,
    );
    this.name = 'TypedPatchError';
  }
}

/** Who writes, through which endpoint, and the ownership before: common to apply and update. */
interface ManagedWrite {
  schema: OpenApiSchema;
  managers: Manager[];
  manager: string;
  apiVersion: string;
  subresource?: string;
  statusSubresource: boolean;
  now: string;
}

/** the entry this write is recorded under, and the one it already has, if any */
function writer(input: ManagedWrite, operation: 'Apply' | 'Update') {
  const identity = {
    manager: input.manager,
    operation,
    apiVersion: input.apiVersion,
    subresource: input.subresource,
  };
  return {
    identity,
    previous: input.managers.find(m => sameManager(m, identity)),
  };
}

export interface ApplyInput extends ManagedWrite {
  /** the object as stored, or undefined when the apply creates it */
  live: Record<string, unknown> | undefined;
  config: Record<string, unknown>;
  force: boolean;
}

/** Server-side apply of one configuration: the merged object and the new ownership. */
export function applyConfiguration(input: ApplyInput): {
  object: Record<string, unknown>;
  managers: Manager[];
} {
  const { set: configured, errors } = toFieldSet(input.config, input.schema);
  if (errors.length) throw new TypedPatchError(errors);
  const set = ownable(configured, input.subresource, input.statusSubresource);
  const { identity, previous } = writer(input, 'Apply');
  const others = input.managers.filter(m => m !== previous);
  const live = input.live ?? {};

  const merged = mergeApplied(live, input.config, input.schema) as Record<
    string,
    unknown
  >;
  const ownedAfter = others.reduce((acc, m) => acc.union(m.set), set);
  if (previous) {
    const dropped = previous.set
      .difference(ownedAfter)
      .members()
      .filter(p => !ownedAfter.hasAtOrBelow(p));
    removeFields(merged, input.schema, dropped, ownedAfter);
  }

  const comparison = compareObjects(live, merged, input.schema);
  const changed = comparison.modified.union(comparison.added);
  const conflicts = others
    .map(m => ({ manager: m, paths: m.set.intersection(changed).members() }))
    .filter(c => c.paths.length > 0);
  if (conflicts.length > 0 && !input.force) {
    throw new ApplyConflictError(conflicts);
  }

  // The apiserver stamps an applier's time only when the apply changed the object: an apply
  // that changes no value keeps the old time, and a new applier gets none (managedFieldsUpdater;
  // kubernetes/kubernetes#127938).
  const noop =
    comparison.added.isEmpty() &&
    comparison.modified.isEmpty() &&
    comparison.removed.isEmpty();
  const time = (before: string | undefined) => (noop ? before : input.now);
  const managers: Manager[] = [];
  for (const m of input.managers) {
    if (m === previous) {
      managers.push({ ...m, set, time: time(m.time) });
      continue;
    }
    let kept = m.set.removeUnder(comparison.removed);
    if (input.force) kept = kept.difference(changed);
    if (!kept.isEmpty()) managers.push({ ...m, set: kept });
  }
  if (!previous && !set.isEmpty()) {
    const entry: Manager = { ...identity, set };
    const stamped = time(undefined);
    if (stamped) entry.time = stamped;
    managers.push(entry);
  }
  return { object: merged, managers: capUpdateManagers(managers) };
}

export interface UpdateInput extends ManagedWrite {
  before: Record<string, unknown> | undefined;
  after: Record<string, unknown>;
}

/** Ownership after a create, update or non-apply patch by `manager`. */
export function recordUpdate(input: UpdateInput): Manager[] {
  const comparison = compareObjects(
    input.before ?? {},
    input.after,
    input.schema,
  );
  const changed = ownable(
    comparison.modified.union(comparison.added),
    input.subresource,
    input.statusSubresource,
  );
  const { identity, previous } = writer(input, 'Update');
  const managers: Manager[] = [];
  for (const m of input.managers) {
    let kept = m.set.removeUnder(comparison.removed);
    if (m === previous) {
      kept = kept.union(changed);
      if (!kept.isEmpty()) {
        managers.push({
          ...m,
          set: kept,
          time: changed.isEmpty() ? m.time : input.now,
        });
      }
      continue;
    }
    kept = kept.difference(changed);
    if (!kept.isEmpty()) managers.push({ ...m, set: kept });
  }
  if (!previous && !changed.isEmpty()) {
    managers.push({ ...identity, time: input.now, set: changed });
  }
  return capUpdateManagers(managers);
}

/** How many Update entries the apiserver keeps (DefaultMaxUpdateManagers). */
export const MAX_UPDATE_MANAGERS = 10;
/** The entry the oldest updaters are merged into, one per apiVersion. */
export const ANCIENT_CHANGES = 'ancient-changes';

/**
 * The apiserver's cap on updaters (capManagersManager): past MAX_UPDATE_MANAGERS Update entries,
 * the oldest (by whole seconds, then identifier) are merged, per apiVersion, into an
 * `ancient-changes` entry carrying the time of the newest update merged into it.
 */
export function capUpdateManagers(
  managers: Manager[],
  max = MAX_UPDATE_MANAGERS,
): Manager[] {
  const updaters = managers.filter(m => m.operation === 'Update');
  if (updaters.length <= max) return managers;
  const seconds = (m: Manager) =>
    m.time ? Math.floor(Date.parse(m.time) / 1000) : 0;
  updaters.sort((a, b) => {
    const byTime = seconds(a) - seconds(b);
    if (byTime !== 0) return byTime;
    return compareStrings(managerIdentifier(a), managerIdentifier(b));
  });
  const out = [...managers];
  const bucketOf = (apiVersion: string) =>
    out.find(
      m =>
        m.manager === ANCIENT_CHANGES &&
        m.operation === 'Update' &&
        !m.subresource &&
        m.apiVersion === apiVersion,
    );
  const firstOfVersion = new Map<string, Manager>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const m = updaters[i];
    const first = firstOfVersion.get(m.apiVersion);
    if (!first) {
      firstOfVersion.set(m.apiVersion, m);
      continue;
    }
    let bucket = bucketOf(m.apiVersion);
    if (bucket === m) continue;
    if (!bucket) {
      // the first updater of this version becomes the bucket
      bucket = {
        manager: ANCIENT_CHANGES,
        operation: 'Update',
        apiVersion: m.apiVersion,
        time: first.time,
        set: first.set,
      };
      out.splice(out.indexOf(first), 1, bucket);
    }
    const merged: Manager = {
      ...bucket,
      set: m.set.union(bucket.set),
      time: m.time,
    };
    out.splice(out.indexOf(bucket), 1, merged);
    out.splice(out.indexOf(m), 1);
    length--;
  }
  return out;
}
