/*
 * The archives Keeper serves are built, not stored: the same files give the same bytes, so a
 * digest pinned at publish time can be checked on every rebuild and clients' caches stay valid.
 * Entries are sorted by path with fixed time, owner and mode; gzip carries no name and no time.
 */
import crypto from 'crypto';
import zlib from 'zlib';
import { pack } from 'tar-stream';
import { byPath } from './byPath';

export interface ArchiveEntry {
  /** path inside the archive, `/`-separated, no `..` */
  path: string;
  content: Buffer;
}

/** 2000-01-01T00:00:00Z: a fixed time (some tar readers warn about 1970) */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

function checkPath(path: string): void {
  if (
    path.length === 0 ||
    path.split('/').some(s => s === '..' || s === '') ||
    path.includes('\0')
  ) {
    throw new TypeError(`refusing archive path ${JSON.stringify(path)}`);
  }
}

/** A gzipped tar of `entries` whose bytes depend only on their paths and contents. */
export async function deterministicTarGz(
  entries: readonly ArchiveEntry[],
): Promise<Buffer> {
  const sorted = [...entries].sort(byPath);
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', () => resolve());
    tar.on('error', reject);
  });
  for (const entry of sorted) {
    checkPath(entry.path.replace(/^\//, ''));
    await new Promise<void>((resolve, reject) =>
      tar.entry(
        {
          name: entry.path,
          size: entry.content.length,
          mode: 0o644,
          mtime: FIXED_MTIME,
          uid: 0,
          gid: 0,
          uname: '',
          gname: '',
          type: 'file',
        },
        entry.content,
        error => (error ? reject(error) : resolve()),
      ),
    );
  }
  tar.finalize();
  await done;
  // Node's gzip header has mtime 0 and no file name: the output depends on the input only
  return zlib.gzipSync(Buffer.concat(chunks), { level: 9 });
}

/** `sha256:<hex>` of some bytes, the digest form of the records and of Helm's index. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}
