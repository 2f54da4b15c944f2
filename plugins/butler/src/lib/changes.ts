/*
 * Cluster and addon changes as the text of one file: create a TenantCluster or TenantAddon
 * file, edit one field of it in place (comments, order and formatting kept: a one-line diff),
 * or delete it. Every text is checked with the same validate() the backend, the reconciler and
 * the CLI use (the JSON Schema generated from the real CRD, plus the repo-layout path), so an
 * invalid change is refused here, naming the field, before a change request exists.
 */
import {
  applyChangesToYaml,
  KINDS,
  resourcePath,
  stringifyResource,
  validate,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import { parse } from 'yaml';

export const BUTLER_API_VERSION = 'butler.butlerlabs.dev/v1alpha1';
const OWNER_ANNOTATION = 'portal.butlerlabs.dev/owner';

export interface FileChange {
  /** repository-relative path of the one file */
  path: string;
  /** the new text; absent for a delete */
  yaml?: string;
  /** `path: message` lines; empty when the text is valid */
  issues: string[];
}

function pathOf(
  kind: 'TenantCluster' | 'TenantAddon',
  namespace: string,
  name: string,
) {
  return resourcePath({ kind, namespace, name });
}

function issuesOf(yaml: string, path: string): string[] {
  const result = validate(yaml, path);
  return result.ok
    ? []
    : result.issues.map((i: ValidationIssue) =>
        i.path ? `${i.path}: ${i.message}` : i.message,
      );
}

function checked(yaml: string, path: string): FileChange {
  return { path, yaml, issues: issuesOf(yaml, path) };
}

/** Sets fields of an existing file in place; the result differs only in those lines. */
export function editFile(
  original: string,
  path: string,
  fields: Array<{ path: string[]; value: unknown }>,
): FileChange {
  try {
    return checked(applyChangesToYaml(original, fields), path);
  } catch (e) {
    return { path, issues: [(e as Error).message] };
  }
}

export function newClusterFile(input: {
  namespace: string;
  name: string;
  team?: string;
  kubernetesVersion: string;
  replicas: number;
}): FileChange {
  let path: string;
  try {
    path = pathOf('TenantCluster', input.namespace, input.name);
  } catch (e) {
    return { path: '', issues: [(e as Error).message] };
  }
  const yaml = stringifyResource({
    apiVersion: BUTLER_API_VERSION,
    kind: 'TenantCluster',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      ...(input.team && {
        annotations: { [OWNER_ANNOTATION]: `group:default/${input.team}` },
      }),
    },
    spec: {
      ...(input.team && { teamRef: { name: input.team } }),
      kubernetesVersion: input.kubernetesVersion,
      workers: { replicas: input.replicas },
    },
  });
  return checked(yaml, path);
}

export function scaleCluster(original: string, path: string, replicas: number) {
  return editFile(original, path, [
    { path: ['spec', 'workers', 'replicas'], value: replicas },
  ]);
}

export function upgradeCluster(
  original: string,
  path: string,
  version: string,
) {
  return editFile(original, path, [
    { path: ['spec', 'kubernetesVersion'], value: version },
  ]);
}

/** Parses the values YAML of an addon form; an error names the line. */
export function parseValues(text: string): {
  values?: unknown;
  issue?: string;
} {
  if (!text.trim()) return {};
  try {
    const values = parse(text);
    if (
      values !== null &&
      (typeof values !== 'object' || Array.isArray(values))
    ) {
      return { issue: 'values must be a mapping (key: value lines)' };
    }
    return { values: values ?? undefined };
  } catch (e) {
    return { issue: `values: ${(e as Error).message.split('\n')[0]}` };
  }
}

export function newAddonFile(input: {
  namespace: string;
  name: string;
  cluster: string;
  addon: string;
  version: string;
  values?: unknown;
  team?: string;
}): FileChange {
  let path: string;
  try {
    path = pathOf('TenantAddon', input.namespace, input.name);
  } catch (e) {
    return { path: '', issues: [(e as Error).message] };
  }
  const yaml = stringifyResource({
    apiVersion: BUTLER_API_VERSION,
    kind: 'TenantAddon',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      ...(input.team && {
        annotations: { [OWNER_ANNOTATION]: `group:default/${input.team}` },
      }),
    },
    spec: {
      clusterRef: { name: input.cluster },
      addon: input.addon,
      version: input.version,
      ...(input.values !== undefined && { values: input.values }),
    },
  });
  return checked(yaml, path);
}

export function upgradeAddon(
  original: string,
  path: string,
  version: string,
  values?: unknown,
) {
  return editFile(original, path, [
    { path: ['spec', 'version'], value: version },
    ...(values !== undefined
      ? [{ path: ['spec', 'values'], value: values }]
      : []),
  ]);
}

/** The folder of a kind, for messages ("tenant-clusters/<namespace>/<name>.yaml"). */
export function folderOf(kind: 'TenantCluster' | 'TenantAddon'): string {
  return KINDS.find(k => k.kind === kind)!.folder;
}

/** Lines that differ between two texts (a one-line edit is one line). */
export function changedLines(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  let n = Math.abs(a.length - b.length);
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) n++;
  return n;
}
