/*
 * Files that appear whole or not at all, for the targets that write a folder (manifests, Vector
 * configuration): the content goes to a temporary file beside the target, is fsynced and renamed
 * over it. A reader, or a crash, sees the old file or the new one, never half of one; the
 * temporary files a crash leaves behind are recognised by their name and swept.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';

/** the temporary files writeFileAtomically and fileSystemNow make: `.<name>.<12 hex>.tmp` */
export const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

function temporaryName(dir: string, name: string): string {
  return path.join(
    dir,
    `.${name}.${crypto.randomBytes(6).toString('hex')}.tmp`,
  );
}

/**
 * Writes `content` to `file` atomically; the folder must exist; does not fsync the folder.
 * Answers the written file's stat, taken through the handle after the rename (the rename changes
 * its ctime), or undefined when the file was modified between the write and that stat (its
 * modification time moved): then the stat does not vouch for the content written.
 */
export async function writeFileAtomically(
  file: string,
  content: string,
): Promise<fs.BigIntStats | undefined> {
  const temp = temporaryName(path.dirname(file), path.basename(file));
  const handle = await fs.promises.open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
    const written = await handle.stat({ bigint: true });
    try {
      await fs.promises.rename(temp, file);
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
    const renamed = await handle.stat({ bigint: true });
    return renamed.mtimeNs === written.mtimeNs && renamed.size === written.size
      ? renamed
      : undefined;
  } finally {
    await handle.close();
  }
}

/** when a file last changed, by its file system's clock: the later of its mtime and ctime */
export function changedNs(stat: { mtimeNs: bigint; ctimeNs: bigint }): bigint {
  return stat.mtimeNs > stat.ctimeNs ? stat.mtimeNs : stat.ctimeNs;
}

/**
 * The time of the file system that holds `dir`, now: the change time of a file created there
 * (and removed at once), as git reads the time of its index file. Comparing file times with it
 * rather than with this machine's clock holds on a network file system whose server's clock
 * differs, and when the clock is set back.
 */
export async function fileSystemNow(dir: string): Promise<bigint> {
  const stamp = temporaryName(dir, 'clock');
  const handle = await fs.promises.open(stamp, 'wx', 0o600);
  try {
    const stat = await handle.stat({ bigint: true });
    return changedNs(stat);
  } finally {
    await handle.close();
    await fs.promises.rm(stamp, { force: true });
  }
}

/** makes a rename or unlink in `dir` durable; not every platform lets a folder be fsynced */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}

/** removes the temporary files of cut-short writes in `dir` and `depth` levels of folders below */
export async function sweepTemporaryFiles(
  dir: string,
  depth = 0,
): Promise<void> {
  let entries: fs.Dirent[];
  try {
    entries = await fs.promises.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && depth > 0)
      await sweepTemporaryFiles(full, depth - 1);
    else if (entry.isFile() && TEMP_FILE.test(entry.name)) {
      await fs.promises.rm(full, { force: true });
    }
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
