/*
 * A checkout on disk seen through the two reads the reconciler's desiredState() makes of a
 * Git provider, so that `render` computes exactly what the reconciler computes for a commit.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type {
  FileContent,
  GitProvider,
  TreeEntry,
} from '@butler-portal/plugin-gitops-node';
import { collectYamlFiles } from '../files/collectYamlFiles';

/** The object id Git gives the same content (`git hash-object`). */
function blobId(content: Buffer): string {
  return crypto
    .createHash('sha1')
    .update(`blob ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/**
 * Reads the working tree under `root` as the tree of a commit. Only YAML is listed (all the
 * reconciler reads); dot folders and node_modules are skipped as everywhere in the CLI.
 */
export function checkoutProvider(
  root: string,
): Pick<GitProvider, 'listTree' | 'readFile'> {
  const read = async (repoPath: string): Promise<FileContent> => {
    const content = await fs.readFile(path.join(root, ...repoPath.split('/')));
    return {
      path: repoPath,
      content: content.toString('utf8'),
      sha: blobId(content),
    };
  };
  return {
    async listTree(): Promise<TreeEntry[]> {
      const files = await collectYamlFiles([root], root);
      return Promise.all(
        files.map(async file => {
          const { path: repoPath, sha } = await read(file.segments.join('/'));
          return { path: repoPath, sha };
        }),
      );
    },
    async readFile(repoPath: string): Promise<FileContent | undefined> {
      return read(repoPath).catch(() => undefined);
    },
  };
}
