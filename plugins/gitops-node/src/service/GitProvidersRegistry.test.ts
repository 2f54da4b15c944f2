import fs from 'fs';
import os from 'os';
import path from 'path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import {
  GithubGitProvider,
  githubProviderFactory,
} from '@butler-portal/plugin-gitops-backend-module-github';
import {
  GitlabGitProvider,
  gitlabProviderFactory,
} from '@butler-portal/plugin-gitops-backend-module-gitlab';
import {
  LocalGitProvider,
  localProviderFactory,
} from '@butler-portal/plugin-gitops-backend-module-local';
import type { GitEvent } from '../provider/types';
import { VALIDATION_CHECK_CONTEXT } from '../changes/validateChangeFiles';
import { createGitProviders, GitProvidersRegistry } from './GitProvidersRegistry';

const factories = [localProviderFactory, githubProviderFactory, gitlabProviderFactory];

const WORKSPACE = `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: dev
  namespace: team-a
spec:
  clusterRef:
    name: dev-cluster
  owner: guest@example.com
  image: ghcr.io/butlerdotdev/workspace-go:1.23
`;

let root: string;

beforeEach(async () => {
  root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'git-providers-'));
  const layout = path.join(root, 'layouts', 'platform', 'workspaces', 'team-a');
  await fs.promises.mkdir(layout, { recursive: true });
  await fs.promises.writeFile(path.join(layout, 'dev.yaml'), WORKSPACE);
});

afterEach(async () => {
  await fs.promises.rm(root, { recursive: true, force: true });
});

function config(repositories: object[]) {
  return new ConfigReader({
    integrations: {
      github: [{ host: 'github.com', token: 'gh-token' }],
      gitlab: [
        {
          host: 'gitlab.example.com',
          token: 'gl-token',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
        },
      ],
    },
    gitops: { layoutsDir: path.join(root, 'layouts'), repositories },
  });
}

describe('GitProvidersRegistry', () => {
  it('creates a local repository from its layout on first start and serves it', async () => {
    const dir = path.join(root, 'repos', 'platform.git');
    const providers = await createGitProviders({
      config: config([
        {
          id: 'platform',
          provider: 'local',
          layout: 'platform',
          dir,
          kinds: ['Workspace'],
        },
      ]),
      logger: mockServices.logger.mock(),
      factories,
    });

    const [repository] = providers.list();
    expect(repository).toMatchObject({ id: 'platform', kinds: ['Workspace'] });
    expect(repository.provider).toBeInstanceOf(LocalGitProvider);
    expect(providers.get('platform')).toBe(repository);
    expect(providers.get('other')).toBeUndefined();
    await expect(
      repository.provider.readFile('workspaces/team-a/dev.yaml'),
    ).resolves.toMatchObject({
      content: WORKSPACE,
    });

    // a second process starting on the same folder finds the same repository
    const again = await createGitProviders({
      config: config([
        { id: 'platform', provider: 'local', layout: 'platform', dir },
      ]),
      logger: mockServices.logger.mock(),
      factories,
    });
    await expect(again.list()[0].provider.head()).resolves.toBe(
      await repository.provider.head(),
    );
  });

  it('relays the local providers’ own events to every listener until it stops listening', async () => {
    const providers = await createGitProviders({
      config: config([
        {
          id: 'platform',
          provider: 'local',
          layout: 'platform',
          dir: path.join(root, 'p.git'),
          requiredApprovals: 0,
        },
      ]),
      logger: mockServices.logger.mock(),
      factories,
    });
    const seen: GitEvent[] = [];
    const stop = providers.onEvent(event => seen.push(event));
    providers.onEvent(() => {
      throw new Error('a broken listener does not stop the others');
    });
    const actor = {
      userRef: 'user:default/guest',
      name: 'Guest',
      email: 'guest@example.com',
    };
    const { provider } = providers.list()[0];

    const change = await provider.openChange({
      branch: 'butler/test/1',
      title: 'Edit dev',
      description: '',
      operations: [
        {
          action: 'update',
          path: 'workspaces/team-a/dev.yaml',
          content: WORKSPACE.replace('1.23', '1.24'),
        },
      ],
      actor,
    });
    // as the change service would after validating the head
    await provider.setCommitStatus(change.headSha, {
      context: VALIDATION_CHECK_CONTEXT,
      state: 'success',
    });
    const merged = await provider.merge(change.id, actor);

    expect(seen).toEqual([
      {
        type: 'change',
        repository: 'platform',
        changeId: change.id,
        action: 'opened',
      },
      {
        type: 'change',
        repository: 'platform',
        changeId: change.id,
        action: 'merged',
      },
      expect.objectContaining({
        type: 'push',
        repository: 'platform',
        branch: 'main',
        after: merged.mergeCommitSha,
      }),
    ]);
    stop();
    await provider.close(
      (
        await provider.openChange({
          branch: 'butler/test/2',
          title: 'Another',
          description: '',
          operations: [
            { action: 'delete', path: 'workspaces/team-a/dev.yaml' },
          ],
          actor,
        })
      ).id,
      actor,
    );
    expect(seen).toHaveLength(3);
  });

  it('builds GitHub and GitLab providers from the integrations', async () => {
    const providers = await createGitProviders({
      config: config([
        { id: 'hosted', provider: 'github', owner: 'acme', repo: 'platform' },
        {
          id: 'lab',
          provider: 'gitlab',
          host: 'gitlab.example.com',
          project: 'acme/platform',
        },
      ]),
      logger: mockServices.logger.mock(),
      factories,
    });
    const [hosted, lab] = providers.list();
    expect(hosted.provider).toBeInstanceOf(GithubGitProvider);
    expect(hosted.provider.repository).toBe('hosted');
    expect(lab.provider).toBeInstanceOf(GitlabGitProvider);
    expect(lab.provider.repository).toBe('lab');
  });

  it('refuses a GitLab repository whose host has no integration', async () => {
    await expect(
      createGitProviders({
        config: config([
          {
            id: 'lab',
            provider: 'gitlab',
            host: 'elsewhere.example.com',
            project: 'acme/x',
          },
        ]),
        logger: mockServices.logger.mock(),
        factories,
      }),
    ).rejects.toThrow(
      "gitops repository 'lab': integrations.gitlab needs host 'elsewhere.example.com' with a token",
    );
  });

  it('names the missing module when a repository uses a provider type nobody registered', async () => {
    const registry = new GitProvidersRegistry({
      config: config([{ id: 'infra', provider: 'github', owner: 'acme', repo: 'infra', kinds: ['Workspace'] }]),
      logger: mockServices.logger.mock(),
    });
    const ready = registry.ready();
    await expect(registry.initialize([localProviderFactory])).rejects.toThrow(
      "gitops repository 'infra' uses provider 'github', but no module provides it; add @butler-portal/plugin-gitops-backend-module-github to the backend",
    );
    await expect(ready).rejects.toThrow("no module provides it");
  });

  it('refuses two modules for one provider type, and list() before the providers exist', async () => {
    const registry = new GitProvidersRegistry({
      config: config([]),
      logger: mockServices.logger.mock(),
    });
    expect(() => registry.list()).toThrow('await gitProviders.ready() first');
    await expect(
      registry.initialize([localProviderFactory, localProviderFactory]),
    ).rejects.toThrow("two modules register a Git provider for 'local'");
  });

  it('resolves ready() for readers that asked before the gitops plugin initialized it', async () => {
    const registry = new GitProvidersRegistry({
      config: config([{ id: 'platform', provider: 'local', layout: 'platform', dir: path.join(root, 'r.git'), kinds: ['Workspace'] }]),
      logger: mockServices.logger.mock(),
    });
    const ready = registry.ready().then(() => registry.list().map(r => r.id));
    await registry.initialize(factories);
    await expect(ready).resolves.toEqual(['platform']);
    expect(registry.factoryOf('platform')).toBe(localProviderFactory);
    expect(registry.factoryOf('other')).toBeUndefined();
  });
});
