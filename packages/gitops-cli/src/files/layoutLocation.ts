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
  /** the file is inside a kind folder, so it must be a resource at its layout path */
  inKindFolder: boolean;
  /** `<folder>/<namespace>/<file name>` when the file sits exactly at layout depth */
  layoutPath?: string;
}

export function layoutLocationOf(file: YamlFile): LayoutLocation {
  const { segments, base } = file;
  const depth = segments.length;
  if (depth >= 3 && KIND_FOLDERS.has(segments[depth - 3])) {
    return {
      root: path.join(base, ...segments.slice(0, depth - 3)),
      inKindFolder: true,
      layoutPath: segments.slice(depth - 3).join('/'),
    };
  }
  // Too shallow or too deep below a kind folder: still a layout file, in the wrong place.
  for (let i = depth - 2; i >= 0; i--) {
    if (KIND_FOLDERS.has(segments[i])) {
      return { root: path.join(base, ...segments.slice(0, i)), inKindFolder: true };
    }
  }
  return { root: base, inKindFolder: false };
}
