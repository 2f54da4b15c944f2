/*
 * Rules a JSON Schema cannot express: they compare fields with each other or with the file's
 * path. The schemas describe them ("the portal validator checks the equality"); they live here.
 */
import { findKind, type KindInfo } from '../kinds/kinds';
import type { ValidationIssue } from '../kinds/types';
import {
  isDns1123Label,
  isDns1123Subdomain,
  quoteForMessage,
} from '../layout/names';
import { resourcePath, type RepoLayout } from '../layout/resourcePath';
import type { ParsedYaml } from '../yaml/parseResourceYaml';

/**
 * An ArtifactVersion is named `<spec.artifact>-<spec.version>`, so each version has exactly one
 * file and no version name is typed freely.
 */
export function checkArtifactVersionName(
  value: Record<string, any>,
  yaml: ParsedYaml,
): ValidationIssue[] {
  const name = value.metadata?.name;
  const { artifact, version } = value.spec ?? {};
  if (
    typeof name !== 'string' ||
    typeof artifact !== 'string' ||
    typeof version !== 'string'
  ) {
    return []; // the schema reports missing or mistyped fields
  }
  const expected = `${artifact}-${version}`;
  if (name === expected) {
    return [];
  }
  return [
    {
      path: '/metadata/name',
      ...yaml.locate('/metadata/name'),
      message: `metadata.name: must be "${expected}" (<spec.artifact>-<spec.version>), found "${name}"`,
    },
  ];
}

/** Normalises a path as the CLI or a provider may give it: `\` separators, a leading `./`. */
export function normaliseRepoPath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
}

/**
 * The file must be where the repo layout puts a resource of its kind, namespace and name:
 * providers and the reconciler find resources by path alone.
 */
export function checkResourceLocation(
  kind: KindInfo,
  value: Record<string, any>,
  file: string,
  yaml: ParsedYaml,
  layout?: RepoLayout,
): ValidationIssue[] {
  const { name, namespace } = value.metadata ?? {};
  if (!isDns1123Label(namespace) || !isDns1123Subdomain(name)) {
    return []; // the schema reports the bad name; no path can be computed from it
  }
  const expected = resourcePath({ kind: kind.kind, namespace, name }, layout);
  const actual = normaliseRepoPath(file);
  if (actual === expected) {
    return [];
  }
  return [
    {
      path: '/metadata/name',
      ...yaml.locate('/metadata/name'),
      message: `file is at "${actual}", but ${kind.kind} ${namespace}/${name} belongs at "${expected}"; move the file, or change metadata.namespace and metadata.name`,
    },
  ];
}

/** The issue for a kind that is not one of KINDS, naming the known ones. */
export function unknownKindIssue(
  value: Record<string, unknown>,
  yaml: ParsedYaml,
  knownKinds: readonly KindInfo[],
): ValidationIssue {
  const { apiVersion, kind } = value;
  const known = knownKinds.map(k => `${k.kind} (${k.apiVersion})`).join(', ');
  if (kind === undefined) {
    return {
      path: '/kind',
      ...yaml.locate(''),
      message: `missing required field "kind"; known kinds: ${known}`,
    };
  }
  const sameName = typeof kind === 'string' ? findKind(kind) : undefined;
  if (sameName && sameName.kind === kind) {
    return {
      path: '/apiVersion',
      ...yaml.locate(apiVersion === undefined ? '' : '/apiVersion'),
      message:
        apiVersion === undefined
          ? `missing required field "apiVersion"; ${kind} uses "${sameName.apiVersion}"`
          : `apiVersion: ${quoteForMessage(
              apiVersion,
            )} is not served for kind ${kind}; use "${sameName.apiVersion}"`,
    };
  }
  const suggestion =
    sameName && sameName.kind !== kind
      ? ` Did you mean "${sameName.kind}"?`
      : '';
  return {
    path: '/kind',
    ...yaml.locate('/kind'),
    message: `kind: unknown kind ${quoteForMessage(
      kind,
    )}; known kinds: ${known}.${suggestion}`,
  };
}
