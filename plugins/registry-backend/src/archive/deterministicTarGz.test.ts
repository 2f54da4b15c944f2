import { deterministicTarGz, sha256Digest } from './deterministicTarGz';
import { readTarGz } from './readTarGz';

const files = [
  { path: 'b.tf', content: Buffer.from('b') },
  { path: 'a/main.tf', content: Buffer.from('resource "x" "y" {}\n') },
];

describe('deterministicTarGz', () => {
  it('gives the same bytes for the same files, whatever their order and the time', async () => {
    const first = await deterministicTarGz(files);
    await new Promise(resolve => setTimeout(resolve, 1100));
    const second = await deterministicTarGz([...files].reverse());
    expect(second.equals(first)).toBe(true);
    expect(sha256Digest(second)).toBe(sha256Digest(first));
    // gzip header: no mtime (bytes 4..7), no file name flag
    expect(first.readUInt32LE(4)).toBe(0);
    expect(first[3] & 0x08).toBe(0);
  });

  it('round-trips sorted, with fixed owner and time', async () => {
    const entries = await readTarGz(await deterministicTarGz(files));
    expect(entries.map(e => e.path)).toEqual(['a/main.tf', 'b.tf']);
    expect(entries[1].content.toString()).toBe('b');
  });

  it('changes with one byte of content', async () => {
    const changed = await deterministicTarGz([
      files[0],
      { ...files[1], content: Buffer.from('c') },
    ]);
    expect(changed.equals(await deterministicTarGz(files))).toBe(false);
  });

  it.each(['../x', 'a/../../x', 'a//b', ''])(
    'refuses the path %j',
    async path => {
      await expect(
        deterministicTarGz([{ path, content: Buffer.from('') }]),
      ).rejects.toThrow(/refusing archive path/);
    },
  );
});
