/*
 * Drift of a live object from the desired one, restricted to what the portal manages: the
 * fields its field manager owns (read from metadata.managedFields, fieldsV1) and the fields the
 * desired object sets. Whatever else the cluster holds — defaults, status, other managers'
 * fields, server metadata — is not drift; neither are runtime annotations (start/stop) listed
 * as ignored.
 *
 * Paths are written as the apiserver writes them in conflicts: `.spec.image`,
 * `.metadata.labels.team`, `.spec.ports[name="http"].port`, `.metadata.finalizers[="x"]`.
 */
import { DESIRED_STATE_ANNOTATION } from '@butler-portal/plugin-butler-common';
import { FIELD_MANAGER } from '../types';
import { canonicalJson } from '@butler-portal/plugin-gitops-node';

export { DESIRED_STATE_ANNOTATION };
/** Annotations the portal changes at runtime (e.g. start/stop of a workspace), not from Git. */
export const RUNTIME_ANNOTATIONS: readonly string[] = [
  DESIRED_STATE_ANNOTATION,
];

/** One step of a field path: a field, an item of a keyed list, a value of a set, an index. */
export type PathStep =
  | { field: string }
  | { key: Record<string, unknown> }
  | { value: unknown }
  | { index: number };

export interface DriftOptions {
  /** field manager whose ownership counts (default butler-portal) */
  fieldManager?: string;
  /** field paths never counted as drift, as field names (default: the runtime annotations) */
  ignore?: ReadonlyArray<readonly string[]>;
}

export interface DriftedField {
  path: string;
  desired: unknown;
  live: unknown;
}

export interface DriftResult {
  inSync: boolean;
  /** paths that differ, sorted */
  drifted: string[];
  details: DriftedField[];
}

/** The default ignore list: the runtime annotations. */
export const DEFAULT_DRIFT_IGNORE: ReadonlyArray<readonly string[]> =
  RUNTIME_ANNOTATIONS.map(a => ['metadata', 'annotations', a]);

interface Node {
  member: boolean;
  children: Map<string, Node>;
}

function parseFieldsV1(json: unknown): Node {
  const node: Node = { member: false, children: new Map() };
  if (json === null || typeof json !== 'object' || Array.isArray(json))
    return node;
  const entries = Object.entries(json as Record<string, unknown>);
  if (entries.length === 0) node.member = true;
  for (const [key, child] of entries) {
    if (key === '.') node.member = true;
    else node.children.set(key, parseFieldsV1(child));
  }
  return node;
}

function stepOf(element: string): PathStep | undefined {
  const body = element.slice(2);
  try {
    switch (element.slice(0, 2)) {
      case 'f:':
        return { field: body };
      case 'k:':
        return { key: JSON.parse(body) };
      case 'v:':
        return { value: JSON.parse(body) };
      case 'i:':
        return { index: Number(body) };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** Member paths (leaf or not) of a fieldsV1 tree. */
function memberPaths(
  node: Node,
  prefix: PathStep[] = [],
): Array<{ path: PathStep[]; leaf: boolean }> {
  const out: Array<{ path: PathStep[]; leaf: boolean }> = [];
  if (node.member && prefix.length > 0)
    out.push({ path: prefix, leaf: node.children.size === 0 });
  for (const [element, child] of node.children) {
    const step = stepOf(element);
    if (step) out.push(...memberPaths(child, [...prefix, step]));
  }
  return out;
}

/**
 * The fields a manager owns through server-side apply on the main resource, as paths; an
 * empty list when it owns none (or the object was never applied by it).
 */
export function ownedFields(
  live: { metadata?: { managedFields?: unknown } },
  fieldManager: string = FIELD_MANAGER,
): Array<{ path: PathStep[]; leaf: boolean }> {
  const entries = Array.isArray(live.metadata?.managedFields)
    ? live.metadata!.managedFields
    : [];
  return (entries as any[])
    .filter(
      e =>
        e?.manager === fieldManager &&
        e?.operation === 'Apply' &&
        !e?.subresource,
    )
    .flatMap(e => memberPaths(parseFieldsV1(e.fieldsV1)));
}

/**
 * Who owns a field (a path as diffLiveObject writes it) in `metadata.managedFields`: every
 * entry owning the field itself, a part of it, or an atomic value holding it. Named as
 * `manager (Operation)`, with the subresource when there is one, e.g. `kubectl-patch (Update)`.
 */
export function fieldManagers(
  live: { metadata?: { managedFields?: unknown } },
  path: string,
): Array<{ manager: string; operation: string; label: string }> {
  const entries = Array.isArray(live.metadata?.managedFields)
    ? (live.metadata!.managedFields as any[])
    : [];
  const owners: Array<{ manager: string; operation: string; label: string }> =
    [];
  for (const entry of entries) {
    if (typeof entry?.manager !== 'string') continue;
    const owns = memberPaths(parseFieldsV1(entry.fieldsV1)).some(
      ({ path: member, leaf }) => {
        const owned = pathToString(member);
        return (
          owned === path ||
          // a part of the field (a key of a map, an item of a list)
          owned.startsWith(`${path}.`) ||
          owned.startsWith(`${path}[`) ||
          // an atomic value (a list owned whole) holding the field
          (leaf &&
            (path.startsWith(`${owned}.`) || path.startsWith(`${owned}[`)))
        );
      },
    );
    if (!owns) continue;
    const operation = String(entry.operation ?? 'Update');
    owners.push({
      manager: entry.manager,
      operation,
      label: `${entry.manager} (${operation}${
        entry.subresource ? ` of ${entry.subresource}` : ''
      })`,
    });
  }
  return owners;
}

/** canonicalJson, with an absent value told apart from null: a field set to null is not absent. */
function canonical(value: unknown): string {
  return value === undefined ? 'undefined' : canonicalJson(value);
}

function matchesKey(item: unknown, key: Record<string, unknown>): boolean {
  return (
    item !== null &&
    typeof item === 'object' &&
    Object.entries(key).every(
      ([k, v]) =>
        canonical((item as Record<string, unknown>)[k]) === canonical(v),
    )
  );
}

/** The value at a path, undefined when absent. */
export function valueAt(object: unknown, path: readonly PathStep[]): unknown {
  let node: unknown = object;
  for (const step of path) {
    if (node === undefined || node === null) return undefined;
    if ('field' in step) {
      node =
        typeof node === 'object' && !Array.isArray(node)
          ? (node as Record<string, unknown>)[step.field]
          : undefined;
    } else if (!Array.isArray(node)) {
      return undefined;
    } else if ('key' in step) {
      node = node.find(item => matchesKey(item, step.key));
    } else if ('value' in step) {
      const wanted = canonical(step.value);
      node = node.find(item => canonical(item) === wanted);
    } else {
      node = node[step.index];
    }
  }
  return node;
}

export function pathToString(path: readonly PathStep[]): string {
  return path
    .map(step => {
      if ('field' in step) return `.${step.field}`;
      if ('key' in step) {
        return `[${Object.keys(step.key)
          .sort()
          .map(k => `${k}=${JSON.stringify(step.key[k])}`)
          .join(',')}]`;
      }
      if ('value' in step) return `[=${JSON.stringify(step.value)}]`;
      return `[${step.index}]`;
    })
    .join('');
}

/**
 * Leaf paths of the desired object. Lists follow how the portal's ownership treats them: by key
 * or by value when the manager owns their items that way, otherwise as one value.
 */
function desiredPaths(
  value: unknown,
  owned: Array<{ path: PathStep[] }>,
  prefix: PathStep[] = [],
): PathStep[][] {
  if (Array.isArray(value)) {
    const under = owned.filter(
      o =>
        o.path.length > prefix.length &&
        pathToString(o.path.slice(0, prefix.length)) === pathToString(prefix),
    );
    const first = under[0]?.path[prefix.length];
    if (first && 'key' in first) {
      const keys = Object.keys(first.key);
      return value.flatMap(item => {
        if (item === null || typeof item !== 'object') return [[...prefix]];
        const key = Object.fromEntries(
          keys.map(k => [k, (item as Record<string, unknown>)[k]]),
        );
        return desiredPaths(item, owned, [...prefix, { key }]);
      });
    }
    if (first && 'value' in first)
      return value.map(item => [...prefix, { value: item }]);
    return [prefix];
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(
      ([, v]) => v !== undefined,
    );
    if (entries.length === 0) return [prefix];
    return entries.flatMap(([k, v]) =>
      desiredPaths(v, owned, [...prefix, { field: k }]),
    );
  }
  return [prefix];
}

const NEVER_COMPARED = new Set(['apiVersion', 'kind', 'status']);

/** Metadata the API server maintains: never sent in an apply configuration, never drift. */
export const SERVER_METADATA: readonly string[] = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
];

/** name and namespace identify the object: equal on both sides by construction */
const NOT_COMPARED_METADATA = new Set([
  'name',
  'namespace',
  ...SERVER_METADATA,
]);

function compared(
  path: readonly PathStep[],
  ignore: ReadonlyArray<readonly string[]>,
): boolean {
  const first = path[0];
  if (!first || !('field' in first) || NEVER_COMPARED.has(first.field))
    return false;
  const second = path[1];
  if (
    first.field === 'metadata' &&
    second &&
    'field' in second &&
    NOT_COMPARED_METADATA.has(second.field)
  ) {
    return false;
  }
  return !ignore.some(
    pattern =>
      pattern.length <= path.length &&
      pattern.every((name, i) => {
        const step = path[i];
        return 'field' in step && step.field === name;
      }),
  );
}

function isEmptyMap(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    Object.keys(value).length === 0
  );
}

/**
 * Compares `desired` (the object from Git) with `live` (as the cluster returns it) on the fields
 * the portal owns and the fields it wants.
 */
export function diffLiveObject(
  desired: Record<string, unknown>,
  live: Record<string, unknown>,
  options: DriftOptions = {},
): DriftResult {
  const ignore = options.ignore ?? DEFAULT_DRIFT_IGNORE;
  const owned = ownedFields(
    live as { metadata?: { managedFields?: unknown } },
    options.fieldManager,
  );
  const candidates = new Map<string, { path: PathStep[]; leaf: boolean }>();
  for (const o of owned) candidates.set(pathToString(o.path), o);
  for (const path of desiredPaths(desired, owned)) {
    const key = pathToString(path);
    if (!candidates.has(key)) candidates.set(key, { path, leaf: true });
  }
  const details: DriftedField[] = [];
  for (const [key, { path, leaf }] of candidates) {
    if (!compared(path, ignore)) continue;
    const want = valueAt(desired, path);
    const have = valueAt(live, path);
    // An empty map asks for the map to exist; what the server puts in it (defaults) is not drift.
    const presenceOnly = !leaf || isEmptyMap(want);
    const differs = presenceOnly
      ? (want === undefined) !== (have === undefined)
      : canonical(want) !== canonical(have);
    if (differs) details.push({ path: key, desired: want, live: have });
  }
  details.sort((a, b) => a.path.localeCompare(b.path));
  return {
    inSync: details.length === 0,
    drifted: details.map(d => d.path),
    details,
  };
}
