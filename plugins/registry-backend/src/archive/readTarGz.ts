/*
 * Reads a gzipped tar into memory: for a fetched chart archive (its Chart.yaml) and for tests.
 * Bounded: an archive that unpacks to more than `maxBytes` is refused.
 */
import zlib from 'zlib';
import { extract } from 'tar-stream';
import type { ArchiveEntry } from './deterministicTarGz';

export async function readTarGz(
  bytes: Buffer,
  maxBytes = 64 * 1024 * 1024,
): Promise<ArchiveEntry[]> {
  const tar = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes });
  const entries: ArchiveEntry[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.type === 'file') {
          entries.push({ path: header.name, content: Buffer.concat(chunks) });
        }
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.end(tar);
  await done;
  return entries;
}
