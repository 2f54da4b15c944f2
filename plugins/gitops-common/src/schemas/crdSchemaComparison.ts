/*
 * Field-by-field comparison of one of our JSON Schemas with the openAPIV3Schema of the CRD it
 * mirrors. Two outcomes per difference:
 * - a problem: ours would let through something the CRD rejects, drops or renames a field,
 *   or disagrees on a default (a file valid here would fail on the cluster, or mean something
 *   else there);
 * - a restriction: ours is stricter than the CRD (a portal rule). Those are listed so that the
 *   test can pin them: every portal rule on a Butler kind is deliberate and visible.
 */
import type { JsonSchema } from './schemaTestUtils';

export interface CrdComparison {
  problems: string[];
  restrictions: string[];
}

/** ObjectMeta fields that make sense in a file in Git; the server owns all the others. */
const GIT_METADATA_FIELDS = ['name', 'namespace', 'labels', 'annotations'];

const LOWER_BOUNDS = ['minLength', 'minItems', 'minProperties', 'minimum'];
const UPPER_BOUNDS = ['maxLength', 'maxItems', 'maxProperties', 'maximum'];

function isEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function crdTypesOf(node: JsonSchema): string[] | undefined {
  if (node['x-kubernetes-int-or-string'] === true) return ['integer', 'string'];
  if (node.type === undefined) return undefined;
  return node.nullable === true ? [node.type, 'null'] : [node.type];
}

function ourTypesOf(node: JsonSchema): string[] | undefined {
  if (node.type !== undefined) {
    return Array.isArray(node.type) ? node.type : [node.type];
  }
  if (Array.isArray(node.anyOf)) {
    const branchTypes = node.anyOf.map((s: JsonSchema) => ourTypesOf(s));
    if (branchTypes.every((t: string[] | undefined) => t !== undefined)) {
      return branchTypes.flat();
    }
  }
  return undefined;
}

/** The pattern a string value must match: top level, or in the string branch of an anyOf. */
function ourPatternOf(node: JsonSchema): string | undefined {
  if (node.pattern !== undefined) return node.pattern;
  return node.anyOf?.find((s: JsonSchema) => s.type === 'string')?.pattern;
}

function compareNode(
  ours: JsonSchema,
  crd: JsonSchema,
  at: string,
  out: CrdComparison,
): void {
  const problem = (msg: string) => out.problems.push(`${at}: ${msg}`);
  const restriction = (msg: string) => out.restrictions.push(`${at}: ${msg}`);

  const crdTypes = crdTypesOf(crd);
  const ourTypes = ourTypesOf(ours);
  if (crdTypes) {
    if (!ourTypes) {
      problem(`accepts any type, the CRD only ${crdTypes.join('|')}`);
    } else {
      const extra = ourTypes.filter(
        t =>
          !crdTypes.includes(t) &&
          !(t === 'integer' && crdTypes.includes('number')),
      );
      if (extra.length) {
        problem(
          `accepts type ${extra.join('|')}, the CRD only ${crdTypes.join('|')}`,
        );
      }
    }
  }

  const crdRequired: string[] = crd.required ?? [];
  const ourRequired: string[] = ours.required ?? [];
  for (const r of crdRequired) {
    if (!ourRequired.includes(r)) problem(`does not require "${r}"`);
  }
  for (const r of ourRequired) {
    if (!crdRequired.includes(r)) restriction(`requires "${r}"`);
  }

  if (crd.enum !== undefined) {
    if (ours.enum === undefined) {
      problem(`has no enum, the CRD allows only ${JSON.stringify(crd.enum)}`);
    } else {
      const extra = ours.enum.filter((v: unknown) => !crd.enum.includes(v));
      if (extra.length)
        problem(`enum allows ${JSON.stringify(extra)}, unknown to the CRD`);
      if (ours.enum.length < crd.enum.length) restriction('narrower enum');
    }
  } else if (ours.enum !== undefined) {
    restriction(`enum ${JSON.stringify(ours.enum)}`);
  }

  const ourPattern = ourPatternOf(ours);
  if (crd.pattern !== undefined) {
    if (ourPattern !== crd.pattern) {
      problem(
        `pattern ${JSON.stringify(
          ourPattern,
        )} differs from the CRD's ${JSON.stringify(crd.pattern)}`,
      );
    }
  } else if (ourPattern !== undefined) {
    restriction('pattern');
  }

  if (crd.format !== undefined) {
    if (ours.format !== crd.format) {
      problem(`format ${ours.format} differs from the CRD's ${crd.format}`);
    }
  } else if (ours.format !== undefined) {
    restriction(`format ${ours.format}`);
  }

  for (const key of [...LOWER_BOUNDS, ...UPPER_BOUNDS]) {
    const lower = LOWER_BOUNDS.includes(key);
    if (crd[key] !== undefined) {
      if (ours[key] === undefined) {
        problem(`has no ${key}, the CRD has ${crd[key]}`);
      } else if (lower ? ours[key] < crd[key] : ours[key] > crd[key]) {
        problem(`${key} ${ours[key]} is looser than the CRD's ${crd[key]}`);
      } else if (ours[key] !== crd[key]) {
        restriction(`${key} ${ours[key]}`);
      }
    } else if (ours[key] !== undefined) {
      restriction(`${key} ${ours[key]}`);
    }
  }

  if (crd.default !== undefined || ours.default !== undefined) {
    if (!isEqual(ours.default, crd.default)) {
      problem(
        `default ${JSON.stringify(
          ours.default,
        )} differs from the CRD's ${JSON.stringify(crd.default)}`,
      );
    }
  }

  for (const key of ['if', 'then', 'else', 'not', 'allOf', 'oneOf']) {
    if (ours[key] !== undefined && crd[key] === undefined) {
      restriction(key);
    }
  }

  const crdProps: Record<string, JsonSchema> = crd.properties ?? {};
  const ourProps: Record<string, JsonSchema> = ours.properties ?? {};
  for (const key of Object.keys(ourProps)) {
    if (!(key in crdProps)) {
      problem(`declares "${key}", which the CRD does not have`);
    }
  }
  for (const key of Object.keys(crdProps)) {
    if (!(key in ourProps)) {
      problem(`drops the CRD's field "${key}"`);
      continue;
    }
    compareNode(ourProps[key], crdProps[key], `${at}/${key}`, out);
  }

  if (crd.items !== undefined) {
    if (ours.items === undefined) {
      problem('has no items schema');
    } else {
      compareNode(ours.items, crd.items, `${at}/*`, out);
    }
  }

  if (crd['x-kubernetes-preserve-unknown-fields'] === true) {
    if (ours.additionalProperties === false) {
      problem('rejects unknown fields the CRD preserves');
    }
  } else if (typeof crd.additionalProperties === 'object') {
    if (typeof ours.additionalProperties !== 'object') {
      problem('does not constrain map values like the CRD');
    } else {
      compareNode(
        ours.additionalProperties,
        crd.additionalProperties,
        `${at}/*`,
        out,
      );
    }
  } else if (crd.type === 'object' && ours.additionalProperties !== false) {
    problem('lets undeclared fields through (server-side apply rejects them)');
  }
}

/**
 * Compares our schema of a Butler kind with its CRD version schema.
 * @param ours - our JSON Schema of the kind
 * @param crd - the CustomResourceDefinition object
 * @param apiVersion - the apiVersion (group/version) our schema is for
 */
export function compareWithCrd(
  ours: JsonSchema,
  crd: any,
  apiVersion: string,
): CrdComparison {
  const out: CrdComparison = { problems: [], restrictions: [] };
  const problem = (msg: string) => out.problems.push(msg);
  const [group, version] = apiVersion.split('/');
  const crdVersion = crd.spec.versions.find((v: any) => v.name === version);
  if (crd.spec.group !== group || !crdVersion) {
    problem(`the CRD does not serve ${apiVersion}`);
    return out;
  }
  const root: JsonSchema = crdVersion.schema.openAPIV3Schema;
  const props: Record<string, JsonSchema> = ours.properties ?? {};

  if (props.apiVersion?.const !== apiVersion) {
    problem(`/apiVersion: const is not ${apiVersion}`);
  }
  if (props.kind?.const !== crd.spec.names.kind) {
    problem(`/kind: const is not ${crd.spec.names.kind}`);
  }
  for (const key of Object.keys(props)) {
    if (!(key in root.properties)) problem(`/${key}: not a field of the CRD`);
  }
  if ('status' in props)
    problem("/status: status is the controller's, not Git's");
  if (ours.additionalProperties !== false) {
    problem('/: lets undeclared top-level fields through');
  }
  for (const key of ['apiVersion', 'kind', 'metadata', 'spec']) {
    if (!(ours.required ?? []).includes(key))
      problem(`/: does not require "${key}"`);
  }

  const metadata = props.metadata ?? {};
  for (const key of Object.keys(metadata.properties ?? {})) {
    if (!GIT_METADATA_FIELDS.includes(key)) {
      problem(
        `/metadata: declares "${key}", which is not a field that belongs in Git`,
      );
    }
  }
  if (metadata.additionalProperties !== false) {
    problem(
      '/metadata: lets other ObjectMeta fields (uid, resourceVersion, ...) through',
    );
  }
  const namespaced = crd.spec.scope === 'Namespaced';
  if (namespaced !== (metadata.required ?? []).includes('namespace')) {
    problem(
      `/metadata: namespace must be ${
        namespaced ? 'required' : 'absent'
      } for a ${crd.spec.scope} kind`,
    );
  }
  const name = metadata.properties?.name ?? {};
  if (
    !(metadata.required ?? []).includes('name') ||
    !(name.maxLength <= 253) ||
    !name.pattern
  ) {
    problem(
      '/metadata/name: must be required, patterned and at most 253 characters',
    );
  }

  if (!props.spec) {
    problem('/spec: missing');
  } else {
    compareNode(props.spec, root.properties.spec, '/spec', out);
  }
  return out;
}

/**
 * Every leaf field path of a CRD's spec (`/spec/repositories/*\/url`), for checking that the
 * fixtures exercise the whole CRD.
 */
export function crdLeafPaths(node: JsonSchema, at = '/spec'): string[] {
  if (
    node.properties &&
    node['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    return Object.entries<JsonSchema>(node.properties).flatMap(([key, child]) =>
      crdLeafPaths(child, `${at}/${key}`),
    );
  }
  if (node.items) return crdLeafPaths(node.items, `${at}/*`);
  return [at];
}

/** Every path present in a document, in the notation of crdLeafPaths. */
export function documentPaths(value: unknown, at = ''): string[] {
  if (Array.isArray(value)) {
    return [at, ...value.flatMap(v => documentPaths(v, `${at}/*`))];
  }
  if (value && typeof value === 'object') {
    return [
      at,
      ...Object.entries(value).flatMap(([k, v]) =>
        documentPaths(v, `${at}/${k}`),
      ),
    ];
  }
  return [at];
}
