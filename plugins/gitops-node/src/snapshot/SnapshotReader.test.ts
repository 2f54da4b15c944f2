import crypto from 'crypto';
import type { FileContent, TreeEntry } from '../provider/types';
import { SnapshotReader, snapshotReaderFor } from './SnapshotReader';

const workspace = (name: string, image = 'ghcr.io/butlerdotdev/workspace-go:1.23') =>
  `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
spec:
  clusterRef:
    name: dev-cluster
  owner: alice@example.com
  image: ${image}
`;

/** A provider over commits held in memory, counting what it is asked. */
function memoryProvider(commits: Record<string, Record<string, string>>) {
  const calls = { listTree: 0, readFile: 0 };
  const blob = (content: string) => crypto.createHash('sha1').update(content).digest('hex');
  return {
    calls,
    repository: 'platform',
    head: async () => Object.keys(commits).pop()!,
    listTree: async (ref?: string, prefix?: string): Promise<TreeEntry[]> => {
      calls.listTree++;
      return Object.entries(commits[ref!])
        .filter(([path]) => !prefix || path === prefix || path.startsWith(`${prefix}/`))
        .map(([path, content]) => ({ path, sha: blob(content) }));
    },
    readFile: async (path: string, ref?: string): Promise<FileContent | undefined> => {
      calls.readFile++;
      const content = commits[ref!][path];
      return content === undefined ? undefined : { path, content, sha: blob(content) };
    },
  };
}

function repository(size: number) {
  const files: Record<string, string> = {};
  for (let i = 0; i < size; i++) files[`workspaces/team-a/ws-${i}.yaml`] = workspace(`ws-${i}`);
  return files;
}

/** paths that differ between two commits of a memory provider, as a tree diff gives them */
function changedPaths(commits: Record<string, Record<string, string>>) {
  return async (from: string, to: string) => {
    const paths = new Set([...Object.keys(commits[from]), ...Object.keys(commits[to])]);
    return [...paths]
      .filter(path => commits[from][path] !== commits[to][path])
      .map(path => {
        let status: 'added' | 'modified' | 'deleted' = 'modified';
        if (commits[from][path] === undefined) status = 'added';
        else if (commits[to][path] === undefined) status = 'deleted';
        return { path, status };
      });
  };
}

describe('SnapshotReader', () => {
  it('reads a commit as a kept one plus the paths changed since, with the result of a whole read', async () => {
    const c1 = { ...repository(50), 'README.md': '# repo' };
    const c2: Record<string, string> = { ...c1, 'README.md': '# changed, not a resource' };
    c2['workspaces/team-a/ws-1.yaml'] = workspace('ws-1', 'golang:1.24');
    delete c2['workspaces/team-a/ws-2.yaml'];
    c2['workspaces/team-a/new.yaml'] = workspace('new');
    // a rename: one path leaves, one comes
    c2['workspaces/team-a/ws-3b.yaml'] = c2['workspaces/team-a/ws-3.yaml'];
    delete c2['workspaces/team-a/ws-3.yaml'];
    c2['workspaces/team-a/ws-4.yaml'] = 'kind: [\n';
    const commits = { c1, c2 };
    const provider = { ...memoryProvider(commits), changedPaths: changedPaths(commits) };
    const reader = new SnapshotReader({ provider });
    await reader.at('c1');
    const delta = await reader.at('c2', { since: 'c1' });
    expect(reader.stats).toEqual({ treeListings: 1, deltas: 1, blobReads: 50 + 4 });

    const whole = await new SnapshotReader({ provider: memoryProvider(commits) }).at('c2');
    const summary = (files: typeof whole.files) =>
      files.map(f => ({ path: f.path, blob: f.blob, ref: f.ref, valid: !!f.resource, issues: f.issues.length }));
    expect(summary(delta.files)).toEqual(summary(whole.files));
    expect(delta.get('workspaces/team-a/ws-2.yaml')).toBeUndefined();
    // what it was made from, for consumers that patch what they derived from c1
    expect(delta.since?.commit).toBe('c1');
    expect([...delta.since!.paths].sort()).toEqual(
      ['ws-1', 'ws-2', 'ws-3', 'ws-3b', 'ws-4', 'new'].map(n => `workspaces/team-a/${n}.yaml`).sort(),
    );
    expect(delta.ofKind('Workspace')).toHaveLength(50);

    // no tree diff (it failed, or the kept commit is gone): the commit is listed whole
    const failing = {
      ...memoryProvider(commits),
      changedPaths: async () => {
        throw new Error('compare timed out');
      },
    };
    const fallback = new SnapshotReader({ provider: failing });
    await fallback.at('c1');
    expect(summary((await fallback.at('c2', { since: 'c1' })).files)).toEqual(summary(whole.files));
    expect(fallback.stats).toMatchObject({ treeListings: 2, deltas: 0 });
  });

  it('reads a commit once: valid files with their resource, invalid ones with located issues', async () => {
    const provider = memoryProvider({
      c1: {
        'workspaces/team-a/dev.yaml': workspace('dev'),
        'workspaces/team-a/broken.yaml': 'apiVersion: [\n',
        'README.md': '# not a resource',
      },
    });
    const reader = new SnapshotReader({ provider });
    const snapshot = await reader.at('c1');
    expect(snapshot.files.map(f => f.path)).toEqual([
      'workspaces/team-a/broken.yaml',
      'workspaces/team-a/dev.yaml',
    ]);
    expect(snapshot.get('workspaces/team-a/dev.yaml')).toMatchObject({
      ref: { kind: 'Workspace', namespace: 'team-a', name: 'dev' },
      resource: { kind: 'Workspace', metadata: { name: 'dev' } },
      issues: [],
    });
    const broken = snapshot.get('workspaces/team-a/broken.yaml')!;
    expect(broken.resource).toBeUndefined();
    expect(broken.object).toBeNull();
    expect(broken.issues[0]).toMatchObject({ file: 'workspaces/team-a/broken.yaml', line: expect.any(Number) });
    expect(snapshot.ofKind('Workspace')).toHaveLength(2);

    // the same commit again, and concurrently: no further provider calls
    await Promise.all([reader.at('c1'), reader.at('c1')]);
    expect(provider.calls).toEqual({ listTree: 1, readFile: 2 });
  });

  it.each([50, 500, 5000])(
    'a one-file change at %i files reads one blob, however large the repository',
    async size => {
      const before = repository(size);
      const after = { ...before, 'workspaces/team-a/ws-7.yaml': workspace('ws-7', 'busybox:2') };
      const provider = memoryProvider({ c1: before, c2: after });
      const reader = new SnapshotReader({ provider });
      await reader.at('c1');
      const readsBefore = reader.stats.blobReads;
      const snapshot = await reader.at('c2');
      expect(reader.stats.blobReads - readsBefore).toBe(1);
      expect(snapshot.get('workspaces/team-a/ws-7.yaml')!.resource!.spec.image).toBe('busybox:2');
    },
  );

  it('reports a listed file that cannot be read, and reads it again next time', async () => {
    const provider = memoryProvider({ c1: { 'workspaces/team-a/dev.yaml': workspace('dev') } });
    const flaky = { ...provider, readFile: async () => undefined };
    const reader = new SnapshotReader({ provider: flaky, keepCommits: 1 });
    const snapshot = await reader.at('c1');
    expect(snapshot.files[0].issues[0].message).toBe('listed but could not be read');
  });

  it('reads a file that failed to read again at the next commit, when that commit is made from the last', async () => {
    const a = 'workspaces/team-a/a.yaml';
    const b = 'workspaces/team-a/b.yaml';
    const c1 = { [a]: workspace('a'), [b]: workspace('b') };
    // only a.yaml changes, then only c.yaml comes: b.yaml's blob is the same throughout
    const c2 = { ...c1, [a]: workspace('a', 'golang:1.24') };
    const c3 = { ...c2, 'workspaces/team-a/c.yaml': workspace('c') };
    const commits = { c1, c2, c3 };
    const memory = memoryProvider(commits);
    // a transient provider error: b.yaml cannot be read once, at c1
    let failures = 1;
    const provider = {
      ...memory,
      changedPaths: changedPaths(commits),
      readFile: async (path: string, ref?: string) => {
        if (path === b && ref === 'c1' && failures-- > 0) return undefined;
        return memory.readFile(path, ref);
      },
    };
    const reader = new SnapshotReader({ provider });
    const first = await reader.at('c1');
    expect(first.get(b)!.issues[0].message).toBe('listed but could not be read');
    expect(first.get(b)!.object).toBeNull();

    const reads = reader.stats.blobReads;
    const second = await reader.at('c2', { since: 'c1' });
    expect(reader.stats).toMatchObject({ treeListings: 1, deltas: 1 });
    // a.yaml, changed, and b.yaml, which c1 could not read
    expect(reader.stats.blobReads - reads).toBe(2);
    expect(second.get(b)).toMatchObject({
      issues: [],
      resource: { kind: 'Workspace', metadata: { name: 'b' } },
      object: { metadata: { name: 'b' } },
    });
    // b.yaml's file differs from c1's: a consumer patching by path must look at it
    expect([...second.since!.paths].sort()).toEqual([a, b]);
    expect(second.files.map(f => f.path)).toEqual([a, b]);

    // read, it is kept like any other: the next commit reads only its change
    const third = await reader.at('c3', { since: 'c2' });
    expect(reader.stats.blobReads - reads).toBe(3);
    expect(third.since!.paths).toEqual(['workspaces/team-a/c.yaml']);
    expect(third.get(b)).toBe(second.get(b));
  });

  it('forgets parsed blobs no kept commit refers to', async () => {
    const provider = memoryProvider({
      c1: { 'workspaces/team-a/a.yaml': workspace('a') },
      c2: { 'workspaces/team-a/b.yaml': workspace('b') },
    });
    const reader = new SnapshotReader({ provider, keepCommits: 1 });
    await reader.at('c1');
    await reader.at('c2');
    await reader.at('c1');
    // c1 was dropped when c2 came, so its blob is read again
    expect(provider.calls.readFile).toBe(3);
  });

  it('is one reader per provider in a process', () => {
    const provider = memoryProvider({ c1: {} });
    expect(snapshotReaderFor({ provider })).toBe(snapshotReaderFor({ provider }));
  });
});
