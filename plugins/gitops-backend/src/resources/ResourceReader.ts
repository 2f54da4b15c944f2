/*
 * Resources as they stand on the default branch of each repository: the listing the portal's
 * forms start from, with the commit id they were read at (the `baseRevision` of an edit).
 */
import { InputError, NotFoundError } from '@backstage/errors';
import {
  ANNOTATION_OWNER,
  describeInvalidName,
  findKind,
  KINDS,
  ownershipOf,
  parseResourcePath,
  parseResourceYaml,
  resourcePath,
  type GitOpsResource,
  type GitopsResourceOwnership,
  type KindInfo,
  type KindName,
  type ResourceDetail,
  type ResourceEntry,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import {
  isSha,
  snapshotReaderFor,
  type ChangeRepository,
} from '@butler-portal/plugin-gitops-node';

/** A resource file with its text: `GET /resources/:kind/:namespace/:name` without the changes. */
export type ResourceFile = Omit<ResourceDetail, 'changes'>;

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

/** Page sizes of `GET /resources`: enough for a form's picker, small enough to answer fast. */
export const DEFAULT_RESOURCE_PAGE = 500;
export const MAX_RESOURCE_PAGE = 1000;

/** Where the next page starts: the commits the first page was read at, and an offset. */
interface ResourceCursor {
  revisions: Record<string, string>;
  offset: number;
}

function encodeCursor(cursor: ResourceCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(value: string): ResourceCursor {
  try {
    const cursor = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (
      Number.isSafeInteger(cursor?.offset) &&
      cursor.offset >= 0 &&
      typeof cursor.revisions === 'object' &&
      Object.values(cursor.revisions).every(r => typeof r === 'string' && isSha(r))
    ) {
      return cursor;
    }
  } catch {
    // reported below
  }
  throw new InputError('cursor: not a cursor of this listing (pass nextCursor back unchanged)');
}

/** whether a resource's owner (spec.owner, or the owner annotation) is `owner` (lower case) */
function ownedBy(object: Record<string, unknown> | null, owner: string): boolean {
  const spec = object?.spec as { owner?: unknown } | undefined;
  const metadata = object?.metadata as { annotations?: Record<string, unknown> } | undefined;
  const candidates = [spec?.owner, metadata?.annotations?.[ANNOTATION_OWNER]];
  return candidates.some(c => typeof c === 'string' && c.toLowerCase() === owner);
}

/**
 * Where a path lies in a repository's layout: a resource file's kind, namespace and name; a path
 * under a kind folder that does not parse (a sub-folder, an upper-case name, a non-.yaml file)
 * belongs to that folder's namespace (lower-cased), not to nobody: no team could otherwise be
 * kept from reading what a change puts there. Undefined outside the kind folders.
 */
export function placeInLayout(
  path: string,
  layout?: ChangeRepository['layout'],
): { kind: string; namespace: string; name?: string } | undefined {
  const ref = parseResourcePath(path, layout);
  if (ref) return ref;
  const root = (layout?.root ?? '').replace(/^\/+|\/+$/g, '');
  const prefix = root ? `${root}/` : '';
  if (!path.startsWith(prefix)) return undefined;
  const [folder, namespace, ...rest] = path.slice(prefix.length).split('/');
  const kind = KINDS.find(k => k.folder === folder);
  if (!kind || !namespace || rest.length === 0) return undefined;
  return { kind: kind.kind, namespace: namespace.toLowerCase() };
}

/** Whether the caller may read a file, by its ownership (the policy's read condition). */
export type FileVisibility = (file: GitopsResourceOwnership) => boolean;

/** Files' ownership in the configured repositories, as the permission rule sees it. */
export interface FileOwnership {
  /** undefined for a path outside the kind folders (README, CODEOWNERS, CI) */
  ofPath(repository: string, path: string): GitopsResourceOwnership | undefined;
  /**
   * where a path lies, for judging a file's content (a change's before and after): its kind,
   * namespace and name, or for a path under a kind folder that does not parse (a sub-folder, an
   * upper-case name, a non-.yaml file) the folder's kind and namespace; undefined outside the
   * kind folders
   */
  placeOf(
    repository: string,
    path: string,
  ): { kind: string; namespace: string; name?: string } | undefined;
  /** whether the path holds a file at the head of the default branch */
  onHead(repository: string, path: string): boolean;
  /** a resource by kind, namespace and name */
  ofRef(repository: string, ref: ResourceRef): GitopsResourceOwnership;
}

export interface ResourcePage {
  items: ResourceEntry[];
  /** present when there is more: pass it as `cursor` for the next page */
  nextCursor?: string;
}

export class ResourceReader {
  constructor(
    private readonly repositories: () => readonly ChangeRepository[],
  ) {}

  /**
   * One page of the resources on the default branch of every repository, from the shared
   * commit snapshots: a repeated request at an unchanged head reads no file. Later pages are
   * read at the commits of the first, so a merge in between neither skips nor repeats a row.
   */
  async list(
    filter: {
      kind?: string;
      namespace?: string;
      /** the owner: spec.owner (an email on Butler kinds, an entity ref on portal kinds) or the owner annotation, any case */
      owner?: string;
      limit?: number;
      cursor?: string;
    } = {},
    /** rows the caller may not read are left out before paging (offsets count visible rows) */
    visible?: FileVisibility,
  ): Promise<ResourcePage> {
    const kind = filter.kind ? kindFromParam(filter.kind) : undefined;
    if (filter.namespace !== undefined) {
      const problem = describeInvalidName(filter.namespace, 'label');
      if (problem) throw new InputError(`namespace: ${problem}`);
    }
    const limit = filter.limit ?? DEFAULT_RESOURCE_PAGE;
    const owner = filter.owner?.toLowerCase();
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    const revisions: Record<string, string> = {};
    const all: ResourceEntry[] = [];
    for (const repository of this.repositories()) {
      const kinds = KINDS.filter(
        k => repository.kinds.includes(k.kind) && (!kind || k === kind),
      );
      if (kinds.length === 0) continue;
      const reader = snapshotReaderFor(repository);
      const pinned = cursor?.revisions[repository.id];
      const snapshot = pinned ? await reader.at(pinned) : await reader.head();
      revisions[repository.id] = snapshot.commit;
      for (const k of kinds) {
        for (const file of snapshot.ofKind(k.kind)) {
          const ref = file.ref!;
          if (filter.namespace !== undefined && ref.namespace !== filter.namespace) continue;
          if (owner !== undefined && !ownedBy(file.object, owner)) continue;
          // the owning team from the parsed object in the snapshot: no file is read again
          if (visible && !visible(ownershipOf(file.object, ref))) continue;
          all.push({
            repository: repository.id,
            kind: ref.kind,
            namespace: ref.namespace,
            name: ref.name,
            path: file.path,
            revision: snapshot.commit,
            object: file.object as GitOpsResource | null,
            ...(file.object === null && { issues: file.issues }),
          });
        }
      }
    }
    const offset = cursor?.offset ?? 0;
    const items = all.slice(offset, offset + limit);
    return {
      items,
      ...(offset + limit < all.length && {
        nextCursor: encodeCursor({ revisions, offset: offset + limit }),
      }),
    };
  }

  /**
   * The ownership of files by path at the head of each repository's default branch, from the
   * shared snapshots (cached per commit: no file is read for a commit already read): a file on
   * the default branch by what it declares, one that is not there (a change creates it) by its
   * folder.
   */
  async fileOwnership(): Promise<FileOwnership> {
    const snapshots = new Map(
      await Promise.all(
        this.repositories().map(
          async repository =>
            [
              repository.id,
              {
                repository,
                snapshot: await snapshotReaderFor(repository).head(),
              },
            ] as const,
        ),
      ),
    );
    const placeOf = (repositoryId: string, path: string) => {
      const held = snapshots.get(repositoryId);
      return held ? placeInLayout(path, held.repository.layout) : undefined;
    };
    const ofPath = (repositoryId: string, path: string) => {
      const held = snapshots.get(repositoryId);
      const place = placeOf(repositoryId, path);
      if (!held || !place) return undefined;
      return ownershipOf(held.snapshot.get(path)?.object ?? null, place);
    };
    return {
      ofPath,
      placeOf,
      onHead: (repositoryId, path) =>
        !!snapshots.get(repositoryId)?.snapshot.get(path),
      ofRef: (repositoryId, ref) => {
        const held = snapshots.get(repositoryId);
        return (
          (held &&
            ofPath(repositoryId, resourcePath(ref, held.repository.layout))) ??
          ownershipOf(null, ref)
        );
      },
    };
  }

  /** @throws NotFoundError when no repository holding the kind has the file */
  async get(
    kindParam: string,
    namespace: string,
    name: string,
    /** a file the caller may not read is not found, with the same answer as a missing one */
    visible?: FileVisibility,
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
        const entry = entryOf(
          repository,
          kind.kind,
          namespace,
          name,
          path,
          revision,
          file.content,
        );
        if (visible && !visible(ownershipOf(entry.object, entry))) continue;
        return entry;
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
