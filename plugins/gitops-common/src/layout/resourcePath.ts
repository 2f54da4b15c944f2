/*
 * The repo layout: where the file of a resource lives. Paths are computed from kind, namespace
 * and name only (never from free text), and every part is checked before it becomes a path, so
 * a hostile name cannot point outside its folder.
 */
import { InputError } from '@backstage/errors';
import { KINDS, type KindInfo } from '../kinds/kinds';
import type { ResourceRef } from '../kinds/types';
import {
  describeInvalidName,
  isDns1123Label,
  isDns1123Subdomain,
  quoteForMessage,
} from './names';

/** Extension of every resource file. `.yml` is not accepted: one spelling, one path. */
export const RESOURCE_FILE_EXTENSION = '.yaml';

/**
 * Where a repository keeps its resources.
 *
 * @remarks
 * The default layout puts `<folder>/<namespace>/<name>.yaml` at the repository root. A combined
 * platform repository may keep them under a prefix folder, e.g. `root: 'gitops'` gives
 * `gitops/workspaces/team-a/dev.yaml`.
 */
export interface RepoLayout {
  /** folder prefix inside the repository, `/`-separated, no leading or trailing `/` needed */
  root?: string;
}

/** A kind, namespace, name or layout root that cannot become part of a path. */
export class InvalidResourcePathError extends InputError {
  /** which part was rejected: `kind`, `namespace`, `name` or `root` */
  readonly part: 'kind' | 'namespace' | 'name' | 'root';

  constructor(part: InvalidResourcePathError['part'], message: string) {
    super(message);
    this.part = part;
  }
}

/**
 * The repository-relative path of a resource's file: `<root/><folder>/<namespace>/<name>.yaml`.
 *
 * @throws InvalidResourcePathError when the kind is unknown, the namespace is not a DNS-1123
 * label, the name not a DNS-1123 subdomain, or the layout root is not a clean relative folder.
 */
export function resourcePath(ref: ResourceRef, layout?: RepoLayout): string {
  const info = KINDS.find(k => k.kind === ref.kind);
  if (!info) {
    throw new InvalidResourcePathError(
      'kind',
      `unknown kind ${quoteForMessage(ref.kind)}; known kinds: ${KINDS.map(
        k => k.kind,
      ).join(', ')}`,
    );
  }
  const namespaceProblem = describeInvalidName(ref.namespace, 'label');
  if (namespaceProblem) {
    throw new InvalidResourcePathError(
      'namespace',
      `namespace: ${namespaceProblem}`,
    );
  }
  const nameProblem = describeInvalidName(ref.name, 'subdomain');
  if (nameProblem) {
    throw new InvalidResourcePathError('name', `name: ${nameProblem}`);
  }
  return `${rootPrefix(layout)}${info.folder}/${ref.namespace}/${
    ref.name
  }${RESOURCE_FILE_EXTENSION}`;
}

/**
 * The resource a repository path stands for, or `undefined` when the path is not exactly
 * `<root/><folder>/<namespace>/<name>.yaml` with a known folder, a DNS-1123 label namespace and a
 * DNS-1123 subdomain name.
 *
 * @remarks
 * Strict on purpose: no `./` or `..` segments, no backslashes, no `.yml`, no extra folders. A
 * path that does not parse is not where the layout would put any resource.
 *
 * @throws InvalidResourcePathError only when the layout root itself is invalid.
 */
export function parseResourcePath(
  path: string,
  layout?: RepoLayout,
): ResourceRef | undefined {
  const prefix = rootPrefix(layout);
  if (typeof path !== 'string' || !path.startsWith(prefix)) {
    return undefined;
  }
  const parts = path.slice(prefix.length).split('/');
  if (parts.length !== 3 || !parts[2].endsWith(RESOURCE_FILE_EXTENSION)) {
    return undefined;
  }
  const [folder, namespace, file] = parts;
  const name = file.slice(0, -RESOURCE_FILE_EXTENSION.length);
  const info: KindInfo | undefined = KINDS.find(k => k.folder === folder);
  if (!info || !isDns1123Label(namespace) || !isDns1123Subdomain(name)) {
    return undefined;
  }
  return { kind: info.kind, namespace, name };
}

/** `root/` for a layout with a root, `` without; rejects roots that could escape the repo. */
function rootPrefix(layout?: RepoLayout): string {
  const root = layout?.root ?? '';
  if (typeof root !== 'string') {
    throw new InvalidResourcePathError('root', 'layout root must be a string');
  }
  const trimmed = root.replace(/^\/+|\/+$/g, '');
  if (trimmed === '') {
    return '';
  }
  for (const segment of trimmed.split('/')) {
    if (
      segment === '' ||
      segment === '.' ||
      segment === '..' ||
      // eslint-disable-next-line no-control-regex
      /[\\\u0000-\u001f\u007f]/.test(segment)
    ) {
      throw new InvalidResourcePathError(
        'root',
        `layout root ${quoteForMessage(
          root,
        )} is not a clean relative folder (no empty, ".", ".." or backslash segments)`,
      );
    }
  }
  return `${trimmed}/`;
}
