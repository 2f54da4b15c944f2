/*
 * The file system client handed to isomorphic-git. isomorphic-git writes loose objects in place
 * (`objects/ab/cdef...`), so a process killed mid-write would leave a truncated object that every
 * later write skips because the file "exists". Here every write goes to a temporary file in the
 * same directory and is renamed into place. The temporary name starts with `tmp_obj_`, the prefix
 * git uses itself: `git fsck` ignores such leftovers and `git gc` prunes them.
 */
import fs from 'fs';
import path from 'path';
import crypto from 'crypto';

async function atomicWriteFile(
  file: string,
  data: string | Uint8Array,
  options?: fs.WriteFileOptions,
): Promise<void> {
  const tmp = path.join(
    path.dirname(file),
    `tmp_obj_${process.pid}_${crypto.randomBytes(6).toString('hex')}`,
  );
  // ENOENT (missing fan-out directory) propagates: isomorphic-git creates it and retries
  await fs.promises.writeFile(tmp, data, options);
  try {
    await fs.promises.rename(tmp, file);
  } catch (e) {
    await fs.promises.unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/** The promise-based fs client isomorphic-git expects (an enumerable `promises` property). */
export function createGitFs() {
  const p = fs.promises;
  return {
    promises: {
      readFile: p.readFile,
      writeFile: atomicWriteFile,
      mkdir: p.mkdir,
      rmdir: p.rmdir,
      unlink: p.unlink,
      stat: p.stat,
      lstat: p.lstat,
      readdir: p.readdir,
      readlink: p.readlink,
      symlink: p.symlink,
      chmod: p.chmod,
    },
  };
}
