import fs from 'fs';
import os from 'os';
import path from 'path';
import { changedNs, fileSystemNow, writeFileAtomically } from './atomicFiles';
import { FileStatCache, RACY_MS } from './fileStatCache';

describe('FileStatCache', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'butler-stat-'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  const cacheOf = () =>
    new FileStatCache<string>(content => `parsed:${content}`);

  it('reads a file once; afterwards its unchanged stat is enough', async () => {
    const file = path.join(dir, 'a.yaml');
    await fs.promises.writeFile(file, 'one');
    const cache = cacheOf();
    expect(await cache.read(file)).toEqual({
      kind: 'file',
      value: 'parsed:one',
    });
    // recorded within RACY_MS of the write: checked by content again
    await cache.read(file);
    expect(cache.stats).toEqual({ contentReads: 2, derived: 1 });
    await new Promise(resolve => setTimeout(resolve, RACY_MS + 100));
    await cache.read(file);
    expect(cache.stats.contentReads).toBe(3);
    // now recorded well after the file's last change: the stat alone answers
    expect(await cache.read(file)).toEqual({
      kind: 'file',
      value: 'parsed:one',
    });
    expect(cache.stats.contentReads).toBe(3);
  });

  it('sees an edit that keeps the size and puts the mtime back, a replacement and a deletion', async () => {
    const file = path.join(dir, 'a.yaml');
    await fs.promises.writeFile(file, 'one');
    const cache = cacheOf();
    await cache.read(file);
    await new Promise(resolve => setTimeout(resolve, RACY_MS + 100));
    await cache.read(file); // trusted by stat from here on

    const before = await fs.promises.stat(file);
    await fs.promises.writeFile(file, 'two');
    await fs.promises.utimes(file, before.atime, before.mtime);
    expect(await cache.read(file)).toEqual({
      kind: 'file',
      value: 'parsed:two',
    });

    const other = path.join(dir, 'b.tmp');
    await fs.promises.writeFile(other, 'three');
    await fs.promises.rename(other, file);
    expect(await cache.read(file)).toEqual({
      kind: 'file',
      value: 'parsed:three',
    });

    await fs.promises.rm(file);
    expect(await cache.read(file)).toEqual({ kind: 'missing' });
    await fs.promises.mkdir(file);
    expect(await cache.read(file)).toEqual({ kind: 'notAFile' });
  });

  /** writes as the folder targets do, answering what rememberWrites takes */
  async function write(file: string, content: string) {
    const stat = await writeFileAtomically(file, content);
    if (!stat) throw new Error(`${file} changed while it was written`);
    return { file, content, value: `written:${content}`, stat };
  }

  it('checks a racy write by content: an edit the stat cannot show is still seen', async () => {
    const file = path.join(dir, 'a.yaml');
    const cache = cacheOf();
    const written = await write(file, 'one');
    // the file system's time still in the write's tick
    cache.rememberWrites([written], changedNs(written.stat));
    // an edit within the same clock tick as the write: every stat field as recorded
    await fs.promises.writeFile(file, 'two');
    const lstat = jest
      .spyOn(fs.promises, 'lstat')
      .mockResolvedValue(written.stat as any);
    expect(await cache.read(file)).toEqual({
      kind: 'file',
      value: 'parsed:two',
    });
    expect(lstat).toHaveBeenCalled();
  });

  it('keeps what it wrote without parsing it again when the bytes are the ones recorded', async () => {
    const file = path.join(dir, 'a.yaml');
    const cache = cacheOf();
    const written = await write(file, 'one');
    cache.rememberWrites([written], await fileSystemNow(dir));
    expect(await cache.read(file)).toEqual({
      kind: 'file',
      value: 'written:one',
    });
    expect(cache.stats.derived).toBe(0);
  });

  it("trusts by stat a write made in an earlier tick than the file system's time after its batch, as git trusts a checkout's files", async () => {
    const early = await write(path.join(dir, 'early.yaml'), 'one');
    // the file system's time once its clock has moved on (a few ms; a second on some)
    let now = await fileSystemNow(dir);
    while (now <= changedNs(early.stat)) {
      await new Promise(resolve => setTimeout(resolve, 5));
      now = await fileSystemNow(dir);
    }
    const late = await write(path.join(dir, 'late.yaml'), 'two');
    const cache = cacheOf();
    cache.rememberWrites([early], now);
    // the time read before the late write: the late one changed at it or after
    cache.rememberWrites([late], now);

    expect(await cache.read(early.file)).toEqual({
      kind: 'file',
      value: 'written:one',
    });
    expect(cache.stats.contentReads).toBe(0);
    // the racy write is checked by content once
    expect(await cache.read(late.file)).toEqual({
      kind: 'file',
      value: 'written:two',
    });
    expect(cache.stats).toEqual({ contentReads: 1, derived: 0 });

    // an edit out of band after the batch, keeping the size and putting the mtime back: a new
    // ctime, read and parsed
    const before = await fs.promises.stat(early.file);
    await fs.promises.writeFile(early.file, 'ONE');
    await fs.promises.utimes(early.file, before.atime, before.mtime);
    expect(await cache.read(early.file)).toEqual({
      kind: 'file',
      value: 'parsed:ONE',
    });
  });
});
