/*
 * A set of field paths, as structured-merge-diff keeps them for managedFields, with the
 * fieldsV1 encoding the apiserver uses:
 *   {"f:spec":{"f:image":{}},"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}}}}
 * A path element is `f:<field>`, `k:<json of the key fields>` (an item of a map-type list),
 * `v:<json value>` (an item of a set-type list) or `i:<index>`. `{}` marks a member without
 * children; `".": {}` marks a member that also has children.
 *
 * This is the test server's own implementation on purpose: the portal's reader of fieldsV1 is
 * checked against it, and an oracle sharing the reader's code would agree with its mistakes.
 */

export type PathElement = string;
export type FieldPath = PathElement[];

export class FieldSet {
  member = false;
  readonly children = new Map<PathElement, FieldSet>();

  static fromFieldsV1(json: unknown): FieldSet {
    const set = new FieldSet();
    const read = (node: unknown, into: FieldSet) => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) {
        throw new Error('fieldsV1 nodes must be JSON objects');
      }
      const entries = Object.entries(node as Record<string, unknown>);
      if (entries.length === 0) into.member = true;
      for (const [key, child] of entries) {
        if (key === '.') {
          into.member = true;
          continue;
        }
        if (!/^[fkvi]:/.test(key)) {
          throw new Error(
            `invalid fieldsV1 path element ${JSON.stringify(key)}`,
          );
        }
        const sub = new FieldSet();
        read(child, sub);
        into.children.set(key, sub);
      }
    };
    read(json, set);
    set.member = false;
    return set;
  }

  toFieldsV1(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const key of [...this.children.keys()].sort(comparePathElements)) {
      out[key] = this.children.get(key)!.toFieldsV1();
    }
    return out;
  }

  insert(path: FieldPath): void {
    const node = path.reduce<FieldSet>((parent, pe) => {
      let next = parent.children.get(pe);
      if (!next) {
        next = new FieldSet();
        parent.children.set(pe, next);
      }
      return next;
    }, this);
    if (path.length > 0) node.member = true;
  }

  has(path: FieldPath): boolean {
    const node = this.at(path);
    return !!node && node.member;
  }

  /** The subtree at a path (members below it), if any. */
  at(path: FieldPath): FieldSet | undefined {
    return path.reduce<FieldSet | undefined>(
      (node, pe) => node?.children.get(pe),
      this,
    );
  }

  isEmpty(): boolean {
    return !this.member && [...this.children.values()].every(c => c.isEmpty());
  }

  /** Every member path, parents before children. */
  members(prefix: FieldPath = []): FieldPath[] {
    const out: FieldPath[] = [];
    if (this.member) out.push(prefix);
    for (const key of [...this.children.keys()].sort(comparePathElements)) {
      out.push(...this.children.get(key)!.members([...prefix, key]));
    }
    return out;
  }

  clone(): FieldSet {
    const copy = new FieldSet();
    copy.member = this.member;
    for (const [k, v] of this.children) copy.children.set(k, v.clone());
    return copy;
  }

  union(other: FieldSet): FieldSet {
    const out = this.clone();
    for (const path of other.members()) out.insert(path);
    return out;
  }

  /** Members of this set that are not members of `other`. */
  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const path of this.members()) {
      if (!other.has(path)) out.insert(path);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const path of this.members()) {
      if (other.has(path)) out.insert(path);
    }
    return out;
  }

  /** Removes the members of this set at or below each path of `paths`. */
  removeUnder(paths: FieldSet): FieldSet {
    const out = new FieldSet();
    const removed = paths.members();
    for (const path of this.members()) {
      if (!removed.some(r => startsWith(path, r))) out.insert(path);
    }
    return out;
  }

  /** True when the path or anything below it is a member. */
  hasAtOrBelow(path: FieldPath): boolean {
    const node = this.at(path);
    return !!node && !node.isEmpty();
  }
}

export function startsWith(path: FieldPath, prefix: FieldPath): boolean {
  return prefix.every((pe, i) => path[i] === pe);
}

const ELEMENT_ORDER: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

/** Field names, then keys, values and indexes, as structured-merge-diff orders path elements. */
function comparePathElements(a: string, b: string): number {
  const byType = (ELEMENT_ORDER[a[0]] ?? 9) - (ELEMENT_ORDER[b[0]] ?? 9);
  if (byType !== 0) return byType;
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

/** JSON with object keys sorted, as structured-merge-diff writes keys and values. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj)
      .sort()
      .map(k => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** The `k:` element of a map-type list item, from its key fields. */
export function keyElement(
  item: Record<string, unknown>,
  keys: string[],
): PathElement {
  const key: Record<string, unknown> = {};
  for (const k of keys) key[k] = item[k];
  return `k:${canonicalJson(key)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${canonicalJson(value)}`;
}

/**
 * A path as structured-merge-diff prints it in conflict messages:
 * `.spec.containers[name="app"].image`, `.metadata.finalizers[="x"]`, `.spec.args[0]`.
 */
export function pathToString(path: FieldPath): string {
  return path
    .map(pe => {
      const body = pe.slice(2);
      switch (pe[0]) {
        case 'f':
          return `.${body}`;
        case 'k': {
          const key = JSON.parse(body) as Record<string, unknown>;
          return `[${Object.keys(key)
            .sort()
            .map(k => `${k}=${JSON.stringify(key[k])}`)
            .join(',')}]`;
        }
        case 'v':
          return `[=${body}]`;
        case 'i':
          return `[${body}]`;
        default:
          return pe;
      }
    })
    .join('');
}
