import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  startFakeVectorApi,
  type FakeVectorApi,
} from '@butler-portal/fake-vector-api';
import { RACY_MS } from '../fileStatCache';
import { VectorDirectoryTarget } from './VectorDirectoryTarget';
import { VECTOR_FILE_MARKER } from './vectorObject';
import { desiredPipeline, pipelineYaml } from './__testUtils__/pipelines';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-dir-'));
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const ref = (name: string) => ({
  kind: 'Pipeline' as const,
  namespace: 'team-a',
  name,
});

describe('VectorDirectoryTarget', () => {
  it('writes one file per pipeline and lists it with the desired hash', async () => {
    const target = new VectorDirectoryTarget({ root });
    const one = desiredPipeline('team-a', 'one');
    const two = desiredPipeline('team-b', 'two');
    expect(await target.apply([one, two])).toEqual([
      { ref: one.ref, ok: true },
      { ref: two.ref, ok: true },
    ]);
    expect(fs.readdirSync(root).sort()).toEqual([
      'team-a_one.yaml',
      'team-b_two.yaml',
    ]);
    const text = fs.readFileSync(path.join(root, 'team-a_one.yaml'), 'utf8');
    expect(text).toBe(one.object.spec.content);
    expect(text.startsWith(`${VECTOR_FILE_MARKER}\n`)).toBe(true);
    expect(await target.listManaged()).toEqual([
      { ref: one.ref, hash: one.hash },
      { ref: two.ref, hash: two.hash },
    ]);
  });

  it('reports an edited file with another hash (drift), and rewrites it on apply', async () => {
    const target = new VectorDirectoryTarget({ root });
    const one = desiredPipeline('team-a', 'one');
    await target.apply([one]);
    const file = path.join(root, 'team-a_one.yaml');
    fs.appendFileSync(file, '# someone was here\n');
    const [held] = await target.listManaged();
    expect(held.hash).not.toBe(one.hash);
    await target.apply([one]);
    expect(fs.readFileSync(file, 'utf8')).toBe(one.object.spec.content);
  });

  it('stats unchanged files at a drift check once verified, and still sees edits and deletions', async () => {
    const target = new VectorDirectoryTarget({ root });
    const one = desiredPipeline('team-a', 'one');
    const two = desiredPipeline('team-a', 'two');
    await target.apply([one, two]);
    await target.listManaged(); // the writes of the batch's last tick are checked by content
    await new Promise(resolve => setTimeout(resolve, RACY_MS + 100));
    await target.listManaged();
    const read = jest.spyOn(fs.promises, 'readFile');
    try {
      expect(await target.listManaged()).toEqual([
        { ref: one.ref, hash: one.hash },
        { ref: two.ref, hash: two.hash },
      ]);
      expect(read).not.toHaveBeenCalled();

      // out of band: one edited keeping its size and mtime, two deleted
      const file = path.join(root, 'team-a_one.yaml');
      const before = fs.statSync(file);
      const text = fs.readFileSync(file, 'utf8');
      const last = text.length - 2;
      fs.writeFileSync(
        file,
        `${text.slice(0, last)}${text[last] === 'x' ? 'y' : 'x'}${text.slice(
          last + 1,
        )}`,
      );
      fs.utimesSync(file, before.atime, before.mtime);
      fs.rmSync(path.join(root, 'team-a_two.yaml'));
      const held = await target.listManaged();
      expect(held.map(h => h.ref.name)).toEqual(['one']);
      expect(held[0].hash).not.toBe(one.hash);
    } finally {
      read.mockRestore();
    }
  });

  it('leaves files it did not write alone: not listed, not overwritten, not deleted', async () => {
    const target = new VectorDirectoryTarget({ root });
    fs.writeFileSync(path.join(root, 'team-a_one.yaml'), 'sources: {}\n');
    fs.writeFileSync(
      path.join(root, 'global.yaml'),
      'data_dir: /var/lib/vector\n',
    );
    expect(await target.listManaged()).toEqual([]);
    const [result] = await target.apply([desiredPipeline('team-a', 'one')]);
    expect(result).toEqual({
      ref: ref('one'),
      ok: false,
      error: `team-a_one.yaml in ${root} was not written by the portal (no marker line); not overwriting it`,
    });
    await expect(target.delete(ref('one'))).rejects.toThrow(
      'team-a_one.yaml was not written by the portal (no marker line); not deleting it',
    );
    expect(fs.readFileSync(path.join(root, 'team-a_one.yaml'), 'utf8')).toBe(
      'sources: {}\n',
    );
    expect(fs.existsSync(path.join(root, 'global.yaml'))).toBe(true);
  });

  it('deletes its own files; deleting an absent one is not an error', async () => {
    const target = new VectorDirectoryTarget({ root });
    await target.apply([desiredPipeline('team-a', 'one')]);
    await target.delete(ref('one'));
    await target.delete(ref('one'));
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('removes temp files a crash left behind, and nothing else, when it first runs', async () => {
    fs.writeFileSync(
      path.join(root, '.team-a_one.yaml.0123456789ab.tmp'),
      'half',
    );
    fs.writeFileSync(path.join(root, '.keep.tmp'), 'not ours');
    const target = new VectorDirectoryTarget({ root });
    expect(await target.listManaged()).toEqual([]);
    expect(fs.readdirSync(root).sort()).toEqual(['.keep.tmp']);
  });

  it('refuses names that could leave the folder', async () => {
    const target = new VectorDirectoryTarget({ root });
    for (const hostile of [
      { kind: 'Pipeline' as const, namespace: '..', name: 'x' },
      {
        kind: 'Pipeline' as const,
        namespace: 'team-a',
        name: '../../etc/passwd',
      },
      { kind: 'Pipeline' as const, namespace: 'team-a', name: 'a%2F..' },
      { kind: 'Workspace' as const, namespace: 'team-a', name: 'dev' },
    ]) {
      expect(() => target.filePath(hostile)).toThrow(
        `${hostile.kind} ${hostile.namespace}/${hostile.name} is not a pipeline name a Vector directory can hold`,
      );
      await expect(target.delete(hostile)).rejects.toThrow(
        'is not a pipeline name',
      );
      expect(await target.health(hostile).catch(e => e.message)).toMatch(
        /is not a pipeline name/,
      );
    }
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('refuses an object that is not a rendered pipeline', async () => {
    const target = new VectorDirectoryTarget({ root });
    const one = desiredPipeline('team-a', 'one');
    const [result] = await target.apply([
      { ...one, object: { ...one.object, spec: { owner: 'x' } } },
    ]);
    expect(result).toEqual({
      ref: one.ref,
      ok: false,
      error:
        'Pipeline team-a/one is not a rendered Vector pipeline (the target needs the Vector render step)',
    });
  });

  it('without a Vector API, health is Unknown and says so', async () => {
    const target = new VectorDirectoryTarget({ root });
    await target.apply([desiredPipeline('team-a', 'one')]);
    expect(await target.health(ref('one'))).toEqual({
      status: 'Unknown',
      message: 'no Vector API configured',
    });
    expect(await target.health(ref('absent'))).toEqual({
      status: 'Missing',
      message: 'not delivered',
    });
  });

  describe('with a Vector API', () => {
    let vector: FakeVectorApi;
    beforeEach(async () => {
      vector = await startFakeVectorApi();
    });
    afterEach(() => vector.stop());

    it('is Healthy when Vector runs every delivered component, Progressing then Degraded when not', async () => {
      const fresh = new VectorDirectoryTarget({
        root,
        vectorApiUrl: vector.url,
      });
      await fresh.apply([
        desiredPipeline('team-a', 'one'),
        desiredPipeline('team-a', 'two'),
      ]);
      // Vector has not reloaded yet: within the grace period
      expect(await fresh.health(ref('one'))).toEqual({
        status: 'Progressing',
        message:
          '3 of 3 components not running in Vector: team-a_one_app, team-a_one_tag, team-a_one_out (delivered moments ago; Vector may not have loaded it yet)',
      });
      expect(vector.loadConfigDir(root)).toBe(true);
      const target = new VectorDirectoryTarget({
        root,
        vectorApiUrl: vector.url,
        healthGraceMs: 0,
      });
      expect(await target.health(ref('one'))).toEqual({
        status: 'Healthy',
        message: 'Vector runs all 3 components',
      });
      // Vector lost a component (e.g. refused a reload): Degraded after the grace period
      vector.setComponents(
        vector.components().filter(c => c.componentId !== 'team-a_two_out'),
      );
      const later = new VectorDirectoryTarget({
        root,
        vectorApiUrl: vector.url,
        healthGraceMs: 0,
      });
      expect(await later.health(ref('two'))).toEqual({
        status: 'Degraded',
        message: '1 of 3 components not running in Vector: team-a_two_out',
      });
      vector.setHealthy(false);
      const unhealthy = new VectorDirectoryTarget({
        root,
        vectorApiUrl: vector.url,
      });
      expect(await unhealthy.health(ref('one'))).toEqual({
        status: 'Degraded',
        message: `Vector at ${vector.url} reports itself unhealthy`,
      });
    });

    it('is Unknown, naming the address, when Vector cannot be reached', async () => {
      const gone = await startFakeVectorApi();
      const url = gone.url;
      await gone.stop();
      const target = new VectorDirectoryTarget({ root, vectorApiUrl: url });
      await target.apply([desiredPipeline('team-a', 'one')]);
      const health = await target.health(ref('one'));
      expect(health.status).toBe('Unknown');
      expect(health.message).toMatch(
        new RegExp(`^Vector API ${url}/health unreachable: `),
      );
    });

    it('asks Vector once for many pipelines, paging through the component list', async () => {
      const target = new VectorDirectoryTarget({
        root,
        vectorApiUrl: vector.url,
        healthGraceMs: 0,
      });
      const names = Array.from({ length: 40 }, (_, i) => `p${i}`);
      await target.apply(
        names.map(n => desiredPipeline('team-a', n, pipelineYaml('team-a', n))),
      );
      vector.loadConfigDir(root);
      const healths = await Promise.all(names.map(n => target.health(ref(n))));
      expect(new Set(healths.map(h => h.status))).toEqual(new Set(['Healthy']));
      const requests = vector.requests();
      // 120 components, 100 per page at most: one /health and two pages
      expect(requests.filter(r => r.path === '/health')).toHaveLength(1);
      expect(requests.filter(r => r.path === '/graphql')).toHaveLength(2);
    });
  });
});
