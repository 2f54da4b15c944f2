/*
 * The files a change acts on, as the permission rule sees them (gitops-common's
 * permissionRules: the declared owning team, else the namespace's team). A submission is judged
 * on the file as it is on the default branch and as it will be (moving a file to another owner
 * needs the role in both teams); an open change on each file's content before and after.
 */
import {
  ownershipOf,
  parseResourceYaml,
  type ChangeDetail,
  type GitopsResourceOwnership,
} from '@butler-portal/plugin-gitops-common';
import type { ResourceReader } from '../resources/ResourceReader';

const parsed = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  const result = parseResourceYaml(text);
  return result.ok ? result.yaml.value : null;
};

export const describeOwnership = (r: GitopsResourceOwnership) =>
  `${r.kind ?? 'resource'} ${r.namespace ? `${r.namespace}/` : ''}${
    r.name ?? ''
  }${r.team ? ` (owned by team ${r.team})` : ''}`;

/** The ownerships a submission (POST /changes) touches: the current file and the new one. */
export async function submissionOwnership(
  body: {
    operation: string;
    kind: string;
    namespace: string;
    name: string;
    resource?: Record<string, unknown>;
    yaml?: string;
  },
  resources: ResourceReader,
): Promise<GitopsResourceOwnership[]> {
  const where = { kind: body.kind, namespace: body.namespace, name: body.name };
  const result: GitopsResourceOwnership[] = [];
  if (body.operation !== 'create') {
    // the file on the default branch; one that cannot be read is left to the submission,
    // which refuses an update or delete of a missing file with its own reason
    const current = await resources
      .get(body.kind, body.namespace, body.name)
      .catch(() => undefined);
    if (current) result.push(ownershipOf(current.object, where));
  }
  if (body.operation !== 'delete') {
    const next = body.resource ?? parsed(body.yaml);
    result.push(ownershipOf(next ?? null, where));
  }
  return result.length ? result : [ownershipOf(null, where)];
}

/** The ownerships an open change touches: each file before and after. */
export function changeOwnership(
  change: ChangeDetail,
): GitopsResourceOwnership[] {
  const result: GitopsResourceOwnership[] = [];
  let unread = false;
  for (const file of change.files) {
    const sides = [parsed(file.before), parsed(file.after)].filter(
      v => v !== undefined,
    );
    if (sides.length === 0) unread = true;
    for (const object of sides) {
      const resource = change.resources.find(r => {
        const m = (object as { metadata?: { name?: unknown } } | null)
          ?.metadata;
        return m?.name === r.name;
      });
      result.push(
        ownershipOf(object, {
          kind: resource?.kind,
          namespace: resource?.namespace ?? '',
          name: resource?.name,
        }),
      );
    }
  }
  // a file too large to send whole: judged by where it is (its namespace's team)
  if (unread || result.length === 0) {
    for (const r of change.resources) result.push(ownershipOf(null, r));
  }
  return result;
}

/**
 * The ownerships of files' content before and after a change, each side as the permission rule
 * sees it at its place (`placeOf`: the path's kind, namespace and name; undefined outside the
 * kind folders): a side that declares an owning team or a namespace is that team's or
 * namespace's wherever the file lies. A file whose content is not in hand (too large to send)
 * is judged by its place.
 */
export function contentOwnership(
  files: readonly { path: string; before?: string; after?: string }[],
  placeOf: (
    path: string,
  ) => { kind?: string; namespace: string; name?: string } | undefined,
): GitopsResourceOwnership[] {
  return files.flatMap(f => {
    const where = placeOf(f.path) ?? { namespace: '' };
    const sides = [parsed(f.before), parsed(f.after)].filter(
      v => v !== undefined,
    );
    return sides.length
      ? sides.map(object => ownershipOf(object, where))
      : [ownershipOf(null, where)];
  });
}
