import crypto from 'crypto';
import {
  SnapshotReader,
  type FileContent,
  type TreeEntry,
} from '@butler-portal/plugin-gitops-node';
import { MANAGED_BY_LABEL, contentHash } from '../targets/types';
import { desiredState } from './desiredState';
import { tenantAddonYaml, workspaceYaml } from './testing/resources';

function provider(files: Record<string, string>) {
  return {
    async listTree(_ref?: string, prefix?: string): Promise<TreeEntry[]> {
      return Object.keys(files)
        .filter(path => !prefix || path.startsWith(`${prefix}/`))
        .map(path => ({ path, sha: 'x' }));
    },
    async readFile(path: string): Promise<FileContent | undefined> {
      return path in files
        ? { path, content: files[path], sha: 'x' }
        : undefined;
    },
  };
}

describe('desiredState', () => {
  it('returns the valid objects of applied kinds, labelled and hashed', async () => {
    const state = await desiredState(
      provider({
        'README.md': '# not a resource\n',
        '.github/workflows/validate.yaml': 'on: push\n',
        'workspaces/team-a/dev.yaml': workspaceYaml('dev'),
        'tenant-addons/team-a/cert-manager.yaml':
          tenantAddonYaml('cert-manager'),
        'artifacts/team-a/vpc.yaml':
          'apiVersion: keeper.butlerlabs.dev/v1alpha1\nkind: Artifact\nmetadata:\n  name: vpc\n  namespace: team-a\nspec:\n  type: terraform-module\n  owner: group:default/team-a\n',
      }),
      'c1',
    );
    expect(state.revision).toBe('c1');
    expect(state.invalidFiles).toEqual([]);
    expect(state.objects.map(o => o.ref)).toEqual([
      { kind: 'TenantAddon', namespace: 'team-a', name: 'cert-manager' },
      { kind: 'Workspace', namespace: 'team-a', name: 'dev' },
    ]);
    const ws = state.objects[1];
    expect(ws.object.metadata.labels).toEqual({
      [MANAGED_BY_LABEL]: 'butler-portal',
    });
    expect(ws.object.spec.owner).toBe('alice@example.com');
    expect(ws.hash).toBe(contentHash(ws.object));
  });

  it('reports invalid files in layout folders with file, line and reason, and keeps the valid ones', async () => {
    const state = await desiredState(
      provider({
        'workspaces/team-a/dev.yaml': workspaceYaml('dev'),
        'workspaces/team-a/broken.yaml': 'apiVersion: [\n',
        'workspaces/team-a/moved.yaml': workspaceYaml('other-name'),
        'workspaces/team-a/Upper.yml': workspaceYaml('x'),
      }),
      'c1',
    );
    expect(state.objects.map(o => o.ref.name)).toEqual(['dev']);
    expect(state.invalidFiles.map(f => [f.path, f.ref?.name])).toEqual([
      ['workspaces/team-a/Upper.yml', undefined],
      ['workspaces/team-a/broken.yaml', 'broken'],
      ['workspaces/team-a/moved.yaml', 'moved'],
    ]);
    for (const file of state.invalidFiles) {
      expect(file.issues.length).toBeGreaterThan(0);
      expect(file.issues[0]).toMatchObject({
        file: file.path,
        line: expect.any(Number),
      });
    }
  });

  it('reads only under the layout root when there is one', async () => {
    const state = await desiredState(
      provider({
        'gitops/workspaces/team-a/dev.yaml': workspaceYaml('dev'),
        'workspaces/team-a/ignored.yaml': 'not: valid',
      }),
      'c1',
      { layout: { root: 'gitops' } },
    );
    expect(state.objects.map(o => o.ref.name)).toEqual(['dev']);
    expect(state.invalidFiles).toEqual([]);
  });

  it('patches the previous state by the paths a commit changed, with the result of a whole read', async () => {
    const sha = (text: string) =>
      crypto.createHash('sha1').update(text).digest('hex');
    const c1: Record<string, string> = {
      'workspaces/team-a/broken.yaml': 'kind: [\n',
      'tenant-addons/team-a/cert-manager.yaml': tenantAddonYaml('cert-manager'),
    };
    for (let i = 0; i < 20; i++) {
      c1[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
    }
    const c2: Record<string, string> = {
      ...c1,
      'workspaces/team-a/broken.yaml': workspaceYaml('broken'),
      'workspaces/team-a/ws-3.yaml': workspaceYaml('ws-3', 'carol@example.com'),
      'workspaces/team-a/ws-4.yaml': 'kind: [\n',
      'workspaces/team-a/new.yaml': workspaceYaml('new'),
      // the same object written another way: read again, not changed
      'workspaces/team-a/ws-6.yaml': `${workspaceYaml('ws-6')}# a comment\n`,
    };
    delete c2['workspaces/team-a/ws-5.yaml'];
    const commits: Record<string, Record<string, string>> = { c1, c2 };
    const memory = {
      async listTree(ref?: string, prefix?: string): Promise<TreeEntry[]> {
        return Object.entries(commits[ref!])
          .filter(
            ([p]) => !prefix || p === prefix || p.startsWith(`${prefix}/`),
          )
          .map(([p, text]) => ({ path: p, sha: sha(text) }));
      },
      async readFile(
        p: string,
        ref?: string,
      ): Promise<FileContent | undefined> {
        const text = commits[ref!][p];
        return text === undefined
          ? undefined
          : { path: p, content: text, sha: sha(text) };
      },
      async changedPaths(from: string, to: string) {
        const paths = new Set([
          ...Object.keys(commits[from]),
          ...Object.keys(commits[to]),
        ]);
        return [...paths]
          .filter(p => commits[from][p] !== commits[to][p])
          .map(p => ({
            path: p,
            status:
              commits[to][p] === undefined
                ? ('deleted' as const)
                : ('modified' as const),
          }));
      },
    };
    const snapshots = new SnapshotReader({ provider: memory });
    const first = await desiredState(memory, 'c1', { snapshots });
    const derived = await desiredState(memory, 'c2', {
      snapshots,
      since: 'c1',
      previous: first,
    });
    const whole = await desiredState(memory, 'c2', {
      snapshots: new SnapshotReader({ provider: memory }),
    });
    const summary = (state: typeof whole) => ({
      objects: state.objects.map(o => [o.ref.name, o.hash]),
      invalid: state.invalidFiles.map(f => [f.path, f.issues.length]),
    });
    expect(summary(derived)).toEqual(summary(whole));
    expect(derived.delta).toEqual({
      since: 'c1',
      changed: expect.any(Array),
      removed: [
        { kind: 'Workspace', namespace: 'team-a', name: 'ws-4' },
        { kind: 'Workspace', namespace: 'team-a', name: 'ws-5' },
      ],
    });
    expect(derived.delta!.changed.map(d => d.ref.name).sort()).toEqual([
      'broken',
      'new',
      'ws-3',
    ]);
    // the same commit again is the same state
    expect(
      await desiredState(memory, 'c2', { snapshots, previous: derived }),
    ).toBe(derived);
  });

  it('looks again at a file the previous state could not read, also when the commit it patches was read again since', async () => {
    const sha = (text: string) =>
      crypto.createHash('sha1').update(text).digest('hex');
    const a = 'workspaces/team-a/a.yaml';
    const b = 'workspaces/team-a/b.yaml';
    const c1 = { [a]: workspaceYaml('a'), [b]: workspaceYaml('b') };
    const commits: Record<string, Record<string, string>> = {
      c1,
      // only a.yaml changes; `other` is a commit someone else reads meanwhile
      c2: { ...c1, [a]: workspaceYaml('a', 'carol@example.com') },
      other: { [a]: workspaceYaml('a') },
    };
    // a transient provider error: b.yaml cannot be read once
    let failures = 1;
    const memory = {
      async listTree(ref?: string, prefix?: string): Promise<TreeEntry[]> {
        return Object.entries(commits[ref!])
          .filter(
            ([p]) => !prefix || p === prefix || p.startsWith(`${prefix}/`),
          )
          .map(([p, text]) => ({ path: p, sha: sha(text) }));
      },
      async readFile(
        p: string,
        ref?: string,
      ): Promise<FileContent | undefined> {
        if (p === b && failures-- > 0) return undefined;
        const text = commits[ref!][p];
        return text === undefined
          ? undefined
          : { path: p, content: text, sha: sha(text) };
      },
      async changedPaths(from: string, to: string) {
        return Object.keys(commits[to])
          .filter(p => commits[from][p] !== commits[to][p])
          .map(p => ({ path: p, status: 'modified' as const }));
      },
    };
    // one commit kept: reading `other` drops c1, which is then read again, whole
    const snapshots = new SnapshotReader({ provider: memory, keepCommits: 1 });
    const first = await desiredState(memory, 'c1', { snapshots });
    expect(first.invalidFiles.map(f => [f.path, f.issues[0].message])).toEqual([
      [b, 'listed but could not be read'],
    ]);
    await snapshots.at('other');
    await snapshots.at('c1');
    const derived = await desiredState(memory, 'c2', {
      snapshots,
      since: 'c1',
      previous: first,
    });
    // patched, not a full pass: a.yaml changed, b.yaml reads now
    expect(derived.delta?.since).toBe('c1');
    expect(derived.delta!.changed.map(d => d.ref.name).sort()).toEqual([
      'a',
      'b',
    ]);
    expect(derived.invalidFiles).toEqual([]);
    const whole = await desiredState(memory, 'c2', {
      snapshots: new SnapshotReader({ provider: memory }),
    });
    expect(derived.objects.map(o => [o.ref.name, o.hash])).toEqual(
      whole.objects.map(o => [o.ref.name, o.hash]),
    );
  });
});
