/*
 * Where a file sits relative to the repo layout (`<folder>/<namespace>/<name>.yaml`, folders
 * from KINDS). The CLI must work both at the root of one GitOps checkout and on a folder that
 * holds several (the portal's own repo-layouts/), so the checkout root is inferred from the
 * file's path: the directory that holds the kind folder.
 */
import path from 'node:path';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import type { YamlFile } from './collectYamlFiles';

const KIND_FOLDERS = new Set(KINDS.map(k => k.folder));

export interface LayoutLocation {
  /** the checkout the file belongs to; duplicates are looked for per checkout */
  root: string;
  /**
   * For a file inside a kind folder: its path from the checkout root, `/`-separated. Such a
   * file must be a resource at exactly its layout path; files elsewhere have none.
   */
  repoPath?: string;
}

export function layoutLocationOf(file: YamlFile): LayoutLocation {
  const { segments, base } = file;
  const depth = segments.length;
  // At layout depth the kind folder is third from the end; otherwise (too deep or too
  // shallow) the nearest enclosing kind folder decides.
  const candidates =
    depth >= 3 && KIND_FOLDERS.has(segments[depth - 3])
      ? [depth - 3]
      : [...segments.keys()].slice(0, -1).reverse();
  const folderIndex = candidates.find(i => KIND_FOLDERS.has(segments[i]));
  if (folderIndex === undefined) {
    return { root: base };
  }
  return {
    root: path.join(base, ...segments.slice(0, folderIndex)),
    repoPath: segments.slice(folderIndex).join('/'),
  };
}
