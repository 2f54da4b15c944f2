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
        .filter(([path]) => !prefix || path.startsWith(`${prefix}/`))
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

describe('SnapshotReader', () => {
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
