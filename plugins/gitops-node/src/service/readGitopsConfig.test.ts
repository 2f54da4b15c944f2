import { ConfigReader } from '@backstage/config';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import { readGitopsConfig } from './readGitopsConfig';

const read = (data: object) => readGitopsConfig(new ConfigReader(data), { workingDirectory: '/srv/portal/packages/backend' });

describe('readGitopsConfig', () => {
  it('reads the embedded default: one local repository seeded from a layout', () => {
    const config = read({
      gitops: {
        repositories: [{ id: 'platform', provider: 'local', layout: 'platform', allowSelfApproval: true, requiredApprovals: 1 }],
      },
    });
    expect(config.repositories).toEqual([
      {
        id: 'platform',
        provider: 'local',
        kinds: KINDS.map(k => k.kind),
        requiredApprovals: 1,
        dir: '/srv/portal/.data/repos/platform.git',
        layoutDir: '/srv/portal/repo-layouts/platform',
        allowSelfApproval: true,
      },
    ]);
  });

  it('places local repositories under butlerPortal.dataDir and layouts under gitops.layoutsDir', () => {
    const config = read({
      butlerPortal: { dataDir: '/var/lib/butler' },
      gitops: {
        layoutsDir: '/opt/layouts',
        repositories: [
          { id: 'ws', provider: 'local', layout: 'workspaces', kinds: ['workspaces', 'TenantAddon'] },
          { id: 'elsewhere', provider: 'local', dir: 'repos/x.git', defaultBranch: 'trunk' },
        ],
      },
    });
    expect(config.repositories[0]).toMatchObject({
      dir: '/var/lib/butler/repos/ws.git',
      layoutDir: '/opt/layouts/workspaces',
      kinds: ['Workspace', 'TenantAddon'],
      allowSelfApproval: false,
    });
    expect(config.repositories[1]).toMatchObject({ dir: '/srv/portal/packages/backend/repos/x.git', defaultBranch: 'trunk' });
    expect(config.repositories[1]).not.toHaveProperty('layoutDir');
  });

  it('reads GitHub and GitLab repositories', () => {
    const config = read({
      gitops: {
        repositories: [
          { id: 'ws', provider: 'github', owner: 'acme', repo: 'butler-workspaces', webhookSecret: 's3cret' },
          { id: 'ws2', provider: 'gitlab', host: 'gitlab.example.com', project: '/platform/workspaces/', webhookSecret: 't0ken' },
        ],
      },
    });
    expect(config.repositories[0]).toMatchObject({ provider: 'github', host: 'github.com', owner: 'acme', repo: 'butler-workspaces', webhookSecret: 's3cret' });
    expect(config.repositories[1]).toMatchObject({ provider: 'gitlab', host: 'gitlab.example.com', project: 'platform/workspaces', webhookSecret: 't0ken' });
  });

  it('has no repositories without a gitops section', () => {
    expect(read({})).toEqual({
      repositories: [],
      maxPushBytes: 100 * 1024 * 1024,
      allowForcePushToChanges: false,
    });
    expect(read({ gitops: { git: { allowForcePushToChanges: true } } }).allowForcePushToChanges).toBe(true);
  });

  it('reads the push size limit of the git route and refuses a nonsense one', () => {
    expect(read({ gitops: { git: { maxPushBytes: 1048576 } } }).maxPushBytes).toBe(1048576);
    expect(() => read({ gitops: { git: { maxPushBytes: 0 } } })).toThrow(
      'gitops.git.maxPushBytes: must be a whole number of bytes above 0, not 0',
    );
  });

  it.each([
    [{ id: 'a', provider: 'local' }, { id: 'b', provider: 'svn' }, 'gitops.repositories[1].provider: must be local|github|gitlab'],
    [{ id: 'Platform', provider: 'local' }, undefined, 'gitops.repositories[0].id: \'Platform\' must be a DNS-1123 label'],
    [{ id: 'a', provider: 'local' }, { id: 'a', provider: 'local' }, 'gitops.repositories[1].id: \'a\' is used by an earlier repository'],
    [{ id: 'a', provider: 'github', owner: 'acme' }, undefined, 'gitops.repositories[0].repo: is required for a github repository'],
    [{ id: 'a', provider: 'gitlab' }, undefined, 'gitops.repositories[0].project: is required for a gitlab repository'],
    [{ id: 'a', provider: 'local', kinds: ['Workspace', 'Gadget'] }, undefined, 'gitops.repositories[0].kinds[1]: \'Gadget\' is not a kind'],
    [{ id: 'a', provider: 'local', requiredApprovals: -1 }, undefined, 'gitops.repositories[0].requiredApprovals: must be a whole number'],
    [{ id: 'a', provider: 'local', layout: '../etc' }, undefined, 'gitops.repositories[0].layout: \'../etc\' must be the name of a folder'],
    [{ id: 'a', provider: 'github', owner: 'o', repo: 'r', allowSelfApproval: true }, undefined, 'gitops.repositories[0].allowSelfApproval: is not a setting of a github repository'],
  ])('reports %j %j as %s', (first, second, message) => {
    const repositories = second ? [first, second] : [first];
    expect(() => read({ gitops: { repositories } })).toThrow(message);
  });
});
