import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  InvalidResourcePathError,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import {
  DesiredObject,
  MANAGED_BY_LABEL,
  contentHash,
  withManagedByLabel,
} from '../types';
import { RACY_MS } from '../fileStatCache';
import { DirectoryTarget } from './DirectoryTarget';

function desired(
  name: string,
  spec: Record<string, unknown> = { owner: 'a@example.com' },
): DesiredObject {
  const object = withManagedByLabel({
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace: 'team-a' },
    spec,
  } as GitOpsResource);
  return {
    ref: { kind: 'Workspace', namespace: 'team-a', name },
    object,
    hash: contentHash(object),
  };
}

describe('DirectoryTarget', () => {
  let root: string;
  beforeEach(async () => {
    root = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'butler-dir-target-'),
    );
  });
  afterEach(async () => {
    await fs.promises.rm(root, { recursive: true, force: true });
  });

  it('writes one labelled file per object at the layout path and lists it back with its hash', async () => {
    const target = new DirectoryTarget({ root });
    const a = desired('dev');
    const b = desired('prod', { owner: 'b@example.com' });

    expect(await target.apply([a, b])).toEqual([
      { ref: a.ref, ok: true },
      { ref: b.ref, ok: true },
    ]);

    const text = await fs.promises.readFile(
      path.join(root, 'workspaces/team-a/dev.yaml'),
      'utf8',
    );
    expect(text).toContain(`${MANAGED_BY_LABEL}: butler-portal`);
    expect(text).toContain('owner: a@example.com');
    // no temp files left beside it
    expect(
      await fs.promises.readdir(path.join(root, 'workspaces/team-a')),
    ).toEqual(['dev.yaml', 'prod.yaml']);

    const managed = await target.listManaged();
    expect(managed.map(m => [m.ref.name, m.hash])).toEqual([
      ['dev', a.hash],
      ['prod', b.hash],
    ]);
    expect(await target.health(a.ref)).toEqual({ status: 'Healthy' });
  });

  it('reads only the files named when given refs', async () => {
    const target = new DirectoryTarget({ root });
    const a = desired('dev');
    const b = desired('prod', { owner: 'b@example.com' });
    await target.apply([a, b]);
    const read = jest.spyOn(fs.promises, 'readFile');
    try {
      const managed = await target.listManaged({
        refs: [b.ref, { ...a.ref, name: 'absent' }],
      });
      expect(managed.map(m => [m.ref.name, m.hash])).toEqual([
        ['prod', b.hash],
      ]);
      expect(read).toHaveBeenCalledTimes(1);
    } finally {
      read.mockRestore();
    }
  });

  it('replaces a file whole and reports an edit made outside as a different hash', async () => {
    const target = new DirectoryTarget({ root });
    await target.apply([desired('dev')]);
    const next = desired('dev', { owner: 'c@example.com' });
    await target.apply([next]);
    expect((await target.listManaged())[0].hash).toBe(next.hash);

    const file = path.join(root, 'workspaces/team-a/dev.yaml');
    await fs.promises.writeFile(
      file,
      (await fs.promises.readFile(file, 'utf8')).replace('c@', 'x@'),
    );
    expect((await target.listManaged())[0].hash).not.toBe(next.hash);
  });

  it('compares by stat once the files are verified: reads none unchanged, still sees edits and deletions', async () => {
    const target = new DirectoryTarget({ root });
    const objects = ['a', 'b', 'c'].map(n => desired(n));
    await target.apply(objects);
    // the first listing checks what was written in the batch's last clock tick by content
    await target.listManaged();
    await new Promise(resolve => setTimeout(resolve, RACY_MS + 100));
    await target.listManaged();

    const read = jest.spyOn(fs.promises, 'readFile');
    try {
      expect((await target.listManaged()).map(m => m.hash)).toEqual(
        objects.map(o => o.hash),
      );
      expect(read).not.toHaveBeenCalled();

      // out of band: an edit that keeps the size and puts the mtime back, and a deletion
      const file = path.join(root, 'workspaces/team-a/a.yaml');
      const before = await fs.promises.stat(file);
      const text = await fs.promises.readFile(file, 'utf8');
      await fs.promises.writeFile(file, text.replace('a@', 'z@'));
      await fs.promises.utimes(file, before.atime, before.mtime);
      expect((await fs.promises.stat(file)).size).toBe(before.size);
      await fs.promises.rm(path.join(root, 'workspaces/team-a/b.yaml'));
      read.mockClear();

      const managed = await target.listManaged();
      expect(managed.map(m => m.ref.name)).toEqual(['a', 'c']);
      expect(managed[0].hash).not.toBe(objects[0].hash);
      expect(managed[1].hash).toBe(objects[2].hash);
      // only the edited file was read
      expect(read.mock.calls.map(c => path.basename(String(c[0])))).toEqual([
        'a.yaml',
      ]);
    } finally {
      read.mockRestore();
    }
  });

  it('ignores and never deletes files without the managed-by label', async () => {
    const target = new DirectoryTarget({ root });
    const foreign = path.join(root, 'workspaces/team-a/hand-made.yaml');
    await fs.promises.mkdir(path.dirname(foreign), { recursive: true });
    await fs.promises.writeFile(
      foreign,
      'apiVersion: butler.butlerlabs.dev/v1alpha1\nkind: Workspace\nmetadata:\n  name: hand-made\n  namespace: team-a\n',
    );
    await fs.promises.writeFile(
      path.join(root, 'workspaces/team-a/broken.yaml'),
      ': : [',
    );
    await fs.promises.writeFile(path.join(root, 'README.yaml'), 'a: 1\n');

    expect(await target.listManaged()).toEqual([]);
    const ref = {
      kind: 'Workspace' as const,
      namespace: 'team-a',
      name: 'hand-made',
    };
    await expect(target.delete(ref)).rejects.toThrow(
      /does not carry the portal's managed-by label/,
    );
    expect(fs.existsSync(foreign)).toBe(true);
  });

  it('deletes labelled files, and deleting an absent one is not an error', async () => {
    const target = new DirectoryTarget({ root });
    const a = desired('dev');
    await target.apply([a]);
    await target.delete(a.ref);
    expect(fs.existsSync(path.join(root, 'workspaces/team-a/dev.yaml'))).toBe(
      false,
    );
    await expect(target.delete(a.ref)).resolves.toBeUndefined();
    expect(await target.health(a.ref)).toEqual({
      status: 'Missing',
      message: 'no file',
    });
  });

  it('refuses names that would leave the root, per object, writing nothing for them', async () => {
    const target = new DirectoryTarget({ root });
    const hostile = {
      ...desired('dev'),
      ref: { kind: 'Workspace' as const, namespace: '..', name: 'x' },
    };
    const results = await target.apply([hostile, desired('ok')]);
    expect(results[0]).toMatchObject({
      ok: false,
      error: expect.stringContaining(
        'namespace: ".." is not a valid DNS-1123 name',
      ),
    });
    expect(results[1]).toMatchObject({ ok: true });
    expect(() =>
      target.filePath({
        kind: 'Workspace',
        namespace: 'a',
        name: '../../etc/passwd',
      }),
    ).toThrow(InvalidResourcePathError);
    await expect(
      target.delete({ kind: 'Workspace', namespace: 'a', name: '../x' }),
    ).rejects.toThrow(InvalidResourcePathError);
    expect(fs.existsSync(path.join(root, '..', 'x'))).toBe(false);
  });

  it('lists nothing when the root does not exist yet', async () => {
    expect(
      await new DirectoryTarget({
        root: path.join(root, 'missing'),
      }).listManaged(),
    ).toEqual([]);
  });

  it('removes the temporary files of writes a crash cut short, and nothing else', async () => {
    const sweepRoot = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'butler-dir-sweep-'),
    );
    try {
      const folder = path.join(sweepRoot, 'workspaces', 'team-a');
      await fs.promises.mkdir(folder, { recursive: true });
      const stray = path.join(folder, '.dev.yaml.0123456789ab.tmp');
      const kept = path.join(folder, 'notes.tmp');
      await fs.promises.writeFile(stray, 'half a manif');
      await fs.promises.writeFile(kept, 'not ours');
      const target = new DirectoryTarget({ root: sweepRoot });
      await target.listManaged();
      expect(fs.existsSync(stray)).toBe(false);
      expect(fs.existsSync(kept)).toBe(true);
    } finally {
      await fs.promises.rm(sweepRoot, { recursive: true, force: true });
    }
  });
});
