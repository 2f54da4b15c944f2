/*
 * Resources as they stand on the default branch of each repository: the listing the portal's
 * forms start from, with the commit id they were read at (the `baseRevision` of an edit).
 */
import { InputError, NotFoundError } from '@backstage/errors';
import {
  describeInvalidName,
  findKind,
  KINDS,
  parseResourcePath,
  parseResourceYaml,
  resourcePath,
  type GitOpsResource,
  type KindInfo,
  type KindName,
  type ResourceDetail,
  type ResourceEntry,
} from '@butler-portal/plugin-gitops-common';
import type { ChangeRepository } from '@butler-portal/plugin-gitops-node';

/** A resource file with its text: `GET /resources/:kind/:namespace/:name` without the changes. */
export type ResourceFile = Omit<ResourceDetail, 'changes'>;

/** Reads files a few at a time: GitHub and GitLab answer one file per request. */
const READ_CONCURRENCY = 8;

/** kind from a URL or query: the plural (`workspaces`) or the kind name, any case */
export function kindFromParam(value: string): KindInfo {
  const kind = findKind(value);
  if (!kind) {
    throw new InputError(
      `kind: ${JSON.stringify(
        value.slice(0, 80),
      )} is not a known kind (${KINDS.map(k => `${k.kind}/${k.plural}`).join(
        ', ',
      )})`,
    );
  }
  return kind;
}

function entryOf(
  repository: ChangeRepository,
  kind: KindName,
  namespace: string,
  name: string,
  path: string,
  revision: string,
  content: string,
): ResourceFile {
  const parsed = parseResourceYaml(content);
  return {
    repository: repository.id,
    kind,
    namespace,
    name,
    path,
    revision,
    // parsed, not validated against the kind's schema: readers get the file as written (the
    // change validation and the reconciler report what is wrong with it)
    object: parsed.ok ? (parsed.yaml.value as unknown as GitOpsResource) : null,
    ...(!parsed.ok && {
      issues: parsed.issues.map(i => ({ file: path, ...i })),
    }),
    yaml: content,
  };
}

export class ResourceReader {
  constructor(
    private readonly repositories: () => readonly ChangeRepository[],
  ) {}

  async list(
    filter: { kind?: string; namespace?: string } = {},
  ): Promise<ResourceEntry[]> {
    const kind = filter.kind ? kindFromParam(filter.kind) : undefined;
    if (filter.namespace !== undefined) {
      const problem = describeInvalidName(filter.namespace, 'label');
      if (problem) throw new InputError(`namespace: ${problem}`);
    }
    const lists = await Promise.all(
      this.repositories().map(async repository => {
        const kinds = KINDS.filter(
          k => repository.kinds.includes(k.kind) && (!kind || k === kind),
        );
        if (kinds.length === 0) return [];
        const revision = await repository.provider.head();
        const root = (repository.layout?.root ?? '').replace(/^\/+|\/+$/g, '');
        const found: Array<{
          kind: KindName;
          namespace: string;
          name: string;
          path: string;
        }> = [];
        for (const k of kinds) {
          const prefix = [root, k.folder, filter.namespace]
            .filter(Boolean)
            .join('/');
          for (const entry of await repository.provider.listTree(
            revision,
            prefix,
          )) {
            const ref = parseResourcePath(entry.path, repository.layout);
            if (ref && ref.kind === k.kind)
              found.push({ ...ref, path: entry.path });
          }
        }
        const entries: ResourceEntry[] = new Array(found.length);
        let next = 0;
        const worker = async () => {
          while (next < found.length) {
            const index = next++;
            const f = found[index];
            const file = await repository.provider.readFile(f.path, revision);
            const { yaml: _text, ...entry } = entryOf(
              repository,
              f.kind,
              f.namespace,
              f.name,
              f.path,
              revision,
              file?.content ?? '',
            );
            entries[index] = entry;
          }
        };
        await Promise.all(
          Array.from(
            { length: Math.min(READ_CONCURRENCY, found.length) },
            worker,
          ),
        );
        return entries;
      }),
    );
    return lists.flat();
  }

  /** @throws NotFoundError when no repository holding the kind has the file */
  async get(
    kindParam: string,
    namespace: string,
    name: string,
  ): Promise<ResourceFile> {
    const kind = kindFromParam(kindParam);
    // names are checked (400) before any repository is asked
    resourcePath({ kind: kind.kind, namespace, name });
    const holders = this.repositories().filter(r =>
      r.kinds.includes(kind.kind),
    );
    for (const repository of holders) {
      const path = resourcePath(
        { kind: kind.kind, namespace, name },
        repository.layout,
      );
      const revision = await repository.provider.head();
      const file = await repository.provider.readFile(path, revision);
      if (file) {
        return entryOf(
          repository,
          kind.kind,
          namespace,
          name,
          path,
          revision,
          file.content,
        );
      }
    }
    throw new NotFoundError(
      `${kind.kind} ${namespace}/${name} not found in ${
        holders.length
          ? holders.map(r => `'${r.id}'`).join(', ')
          : 'any repository'
      }`,
    );
  }
}
