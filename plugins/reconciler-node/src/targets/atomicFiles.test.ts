import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  TEMP_FILE,
  fileSystemNow,
  sweepTemporaryFiles,
  writeFileAtomically,
} from './atomicFiles';

describe('atomicFiles', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'butler-atomic-'));
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('replaces a file whole and answers the stat of what it wrote', async () => {
    const file = path.join(dir, 'a.yaml');
    await fs.promises.writeFile(file, 'old');
    const stat = await writeFileAtomically(file, 'new content');
    expect(await fs.promises.readFile(file, 'utf8')).toBe('new content');
    const now = await fs.promises.lstat(file, { bigint: true });
    expect(stat).toMatchObject({
      ino: now.ino,
      size: now.size,
      mtimeNs: now.mtimeNs,
      ctimeNs: now.ctimeNs,
    });
    expect(await fs.promises.readdir(dir)).toEqual(['a.yaml']);
  });

  it('answers no stat when someone writes to the file between its rename and the stat', async () => {
    const file = path.join(dir, 'a.yaml');
    const rename = fs.promises.rename.bind(fs.promises);
    jest.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      await rename(from, to);
      await fs.promises.appendFile(to, ' and more'); // another writer, at once
    });
    expect(await writeFileAtomically(file, 'ours')).toBeUndefined();
    expect(await fs.promises.readFile(file, 'utf8')).toBe('ours and more');
  });

  it("reads the file system's time without leaving a file behind", async () => {
    const file = path.join(dir, 'a.yaml');
    await fs.promises.writeFile(file, 'x');
    const written = await fs.promises.lstat(file, { bigint: true });
    const now = await fileSystemNow(dir);
    expect(now >= written.ctimeNs).toBe(true);
    expect(await fs.promises.readdir(dir)).toEqual(['a.yaml']);
  });

  it('sweeps the temporary files a crash left, and nothing else', async () => {
    await fs.promises.writeFile(path.join(dir, 'a.yaml'), 'x');
    const litter = '.a.yaml.0123456789ab.tmp';
    const stamp = '.clock.0123456789ab.tmp';
    expect(TEMP_FILE.test(litter) && TEMP_FILE.test(stamp)).toBe(true);
    await fs.promises.writeFile(path.join(dir, litter), 'half');
    await fs.promises.writeFile(path.join(dir, stamp), '');
    await sweepTemporaryFiles(dir);
    expect(await fs.promises.readdir(dir)).toEqual(['a.yaml']);
  });
});
