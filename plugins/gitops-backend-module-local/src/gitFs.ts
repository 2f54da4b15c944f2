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

/**
 * isomorphic-git tells a promise-based client from a callback one by calling `readFile()` without
 * arguments, twice per command: answered without building an error (and its stack) each time
 */
const NO_FILE = Promise.reject(new TypeError('readFile: no path given'));
NO_FILE.catch(() => undefined);

/**
 * The promise-based fs client isomorphic-git expects (an enumerable `promises` property). With
 * `gitdir`, that folder's stat (isomorphic-git's first step of every command, to tell a
 * repository from a worktree's `.git` file) is taken once: a repository does not turn into a file.
 */
export function createGitFs(options: { gitdir?: string } = {}) {
  const p = fs.promises;
  let gitdirStat: Promise<fs.Stats> | undefined;
  const stat: typeof p.stat = ((file: fs.PathLike, opts?: fs.StatOptions) => {
    if (options.gitdir === undefined || file !== options.gitdir || opts) {
      return p.stat(file, opts);
    }
    if (!gitdirStat) {
      const taken = p.stat(file);
      // kept only while it says "a folder"; anything else is asked again next time
      taken.then(
        s => {
          if (!s.isDirectory()) gitdirStat = undefined;
        },
        () => {
          gitdirStat = undefined;
        },
      );
      gitdirStat = taken;
    }
    return gitdirStat;
  }) as typeof p.stat;
  return {
    promises: {
      readFile: ((file: unknown, opts?: unknown) =>
        file === undefined
          ? NO_FILE
          : p.readFile(file as string, opts as undefined)) as typeof p.readFile,
      writeFile: atomicWriteFile,
      mkdir: p.mkdir,
      rmdir: p.rmdir,
      unlink: p.unlink,
      stat,
      lstat: p.lstat,
      readdir: p.readdir,
      readlink: p.readlink,
      symlink: p.symlink,
      chmod: p.chmod,
    },
  };
}
