import type { FileContent, TreeEntry } from '@butler-portal/plugin-gitops-node';
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
});
