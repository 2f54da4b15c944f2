/*
 * The module in a real backend: the catalog plugin, this module, the events backend with its
 * GitHub and GitLab ingresses, and local provider repositories on disk. Everything is checked
 * through the catalog's own REST API, as the portal's frontend reads it.
 */
import { createHmac } from 'crypto';
import path from 'path';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { AlphaEntity as Entity } from '@backstage/catalog-model/alpha';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import eventsPlugin from '@backstage/plugin-events-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import { type ChangeRepository } from '@butler-portal/plugin-gitops-node';
import request from 'supertest';
import {
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
} from './entity/annotations';
import catalogModuleGitOps from './index';
import { fixedGitProviders, gitEventsRelay } from './__testUtils__/gitEventsRelay';
import {
  asProviderType,
  createTestRepository,
  makeTempDir,
  removeTempDirs,
  type TestRepository,
  workspaceYaml,
  writeFiles,
} from './__testUtils__/localRepository';

const GITHUB_SECRET = 'github-webhook-secret';
const GITLAB_SECRET = 'gitlab-webhook-secret';

const ORG = `apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: guest
spec:
  profile:
    email: guest@example.com
  memberOf: []
`;

/**
 * The modules inside the GitHub and GitLab events packages. Their default export is a feature
 * loader, which imports them with a dynamic import() that Jest cannot run without
 * --experimental-vm-modules; the modules themselves are the same code the backend loads.
 */
function eventsModules(packageName: string, files: string[]) {
  const dir = path.dirname(require.resolve(`${packageName}/package.json`));
  return files.map(
    file => require(path.join(dir, 'dist/service', file)).default,
  );
}

/** Retries `check` until it passes; the catalog processes and stitches on its own loops. */
async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

describe('catalog module gitops', () => {
  let server: any;
  let stop: () => Promise<void>;
  let platform: TestRepository;
  let hosted: TestRepository;
  let lab: TestRepository;

  const getEntity = (kind: string, namespace: string, name: string) =>
    request(server).get(
      `/api/catalog/entities/by-name/${kind}/${namespace}/${name}`,
    );

  /** the entity once `check` holds for it */
  const entityWhen = (
    name: string,
    check: (entity: Entity) => void,
    namespace = 'team-a',
  ) =>
    eventually(async () => {
      const response = await getEntity('workspace', namespace, name);
      expect(response.status).toBe(200);
      check(response.body);
      return response.body as Entity;
    });

  beforeAll(async () => {
    const gitProviders = fixedGitProviders();
    platform = await createTestRepository(
      {
        'workspaces/team-a/seed.yaml': workspaceYaml('team-a', 'seed', {
          owner: 'nobody@example.com',
        }),
      },
      { repository: 'platform', onEvent: gitProviders.emit },
    );
    hosted = await createTestRepository({}, { repository: 'hosted' });
    lab = await createTestRepository({}, { repository: 'lab' });
    const kinds = KINDS.map(k => k.kind);
    const repositories: ChangeRepository[] = [
      { id: 'platform', provider: platform.provider, kinds },
      // repositories at GitHub and GitLab, as far as routing events goes
      {
        id: 'hosted',
        provider: asProviderType(hosted.provider, 'github'),
        kinds,
      },
      { id: 'lab', provider: asProviderType(lab.provider, 'gitlab'), kinds },
    ];

    const orgDir = await makeTempDir();
    await writeFiles(orgDir, { 'org.yaml': ORG });

    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleGitOps,
        // the local provider's merge events on butler.gitops, as the gitops backend publishes them
        gitEventsRelay,
        eventsPlugin,
        ...eventsModules('@backstage/plugin-events-backend-module-github', [
          'eventsModuleGithubWebhook.cjs.js',
          'eventsModuleGithubEventRouter.cjs.js',
        ]),
        ...eventsModules('@backstage/plugin-events-backend-module-gitlab', [
          'eventsModuleGitlabWebhook.cjs.js',
          'eventsModuleGitlabEventRouter.cjs.js',
        ]),
        eventsServiceFactory,
        gitProviders.factory(repositories),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            events: {
              useEventBus: 'never',
              modules: {
                github: { webhookSecret: GITHUB_SECRET },
                gitlab: { webhookSecret: GITLAB_SECRET },
              },
            },
            catalog: {
              rules: [{ allow: ['User', 'Group', 'Location', ...kinds] }],
              locations: [
                { type: 'file', target: path.join(orgDir, 'org.yaml') },
              ],
              // only events sync in this test; the poll is the fallback of a real deployment
              providers: {
                gitops: {
                  schedule: {
                    frequency: { hours: 1 },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    server = backend.server;
    stop = () => backend.stop();
  }, 60_000);

  afterAll(async () => {
    await stop?.();
    await removeTempDirs();
  });

  it('ingests the default branch at start', async () => {
    const seed = await entityWhen('seed', () => {});
    expect(seed.metadata.annotations?.[ANNOTATION_SOURCE_COMMIT]).toBe(
      await platform.provider.head(),
    );
    // an email no User has: no owner
    expect(seed.relations ?? []).toEqual([]);
    // the owner of the next workspace must be in the catalog before it is processed
    await eventually(async () =>
      expect((await getEntity('user', 'default', 'guest')).status).toBe(200),
    );
  }, 60_000);

  it('create → merge: the workspace is in the catalog with its owner and source', async () => {
    const head = await platform.merge([
      {
        action: 'create',
        path: 'workspaces/team-a/dev.yaml',
        content: workspaceYaml('team-a', 'dev'),
      },
    ]);
    const dev = await entityWhen('dev', entity => {
      expect(entity.relations).toContainEqual({
        type: 'ownedBy',
        targetRef: 'user:default/guest',
      });
    });
    expect(dev.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location':
        'gitops:platform/workspaces/team-a/dev.yaml',
      'backstage.io/view-url':
        'http://localhost:3000/catalog/team-a/workspace/dev/gitops',
      'backstage.io/edit-url':
        'http://localhost:3000/catalog/team-a/workspace/dev/gitops',
      [ANNOTATION_SOURCE_REPOSITORY]: 'platform',
      [ANNOTATION_SOURCE_PATH]: 'workspaces/team-a/dev.yaml',
      [ANNOTATION_SOURCE_COMMIT]: head,
    });
    expect(dev.spec).toEqual({
      clusterRef: { name: 'dev-cluster' },
      owner: 'guest@example.com',
      image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
    });
    const user = await eventually(async () => {
      const body = (await getEntity('user', 'default', 'guest')).body as Entity;
      expect(body.relations).toContainEqual({
        type: 'ownerOf',
        targetRef: 'workspace:team-a/dev',
      });
      return body;
    });
    expect(user.metadata.name).toBe('guest');
  }, 60_000);

  it('edit → merge: the entity is updated', async () => {
    const head = await platform.merge([
      {
        action: 'update',
        path: 'workspaces/team-a/dev.yaml',
        content: workspaceYaml('team-a', 'dev', {
          image: 'ghcr.io/butlerdotdev/workspace-go:1.24',
        }),
      },
    ]);
    const dev = await entityWhen('dev', entity => {
      expect(entity.spec?.image).toBe('ghcr.io/butlerdotdev/workspace-go:1.24');
    });
    expect(dev.metadata.annotations?.[ANNOTATION_SOURCE_COMMIT]).toBe(head);
  }, 60_000);

  it('a broken file: the error is reported, the last valid entity kept, the others untouched', async () => {
    const seedBefore = (await getEntity('workspace', 'team-a', 'seed'))
      .body as Entity;
    const brokenHead = await platform.merge([
      {
        action: 'update',
        path: 'workspaces/team-a/dev.yaml',
        content: workspaceYaml('team-a', 'dev', {
          image: 'ghcr.io/butlerdotdev/workspace-go:9',
        }).replace('  clusterRef:\n    name: dev-cluster\n', ''),
      },
    ]);
    const dev = await entityWhen('dev', entity => {
      expect(entity.status?.items?.length).toBeGreaterThan(0);
    });
    const [item] = dev.status!.items!;
    expect(item).toMatchObject({
      type: 'backstage.io/catalog-processing',
      level: 'error',
    });
    expect(item.message).toContain(
      `InputError: workspaces/team-a/dev.yaml in repository platform at commit ${brokenHead.slice(
        0,
        12,
      )} is not a valid resource`,
    );
    expect(item.message).toMatch(/clusterRef/);
    // the last valid version, with its owner
    expect(dev.spec?.image).toBe('ghcr.io/butlerdotdev/workspace-go:1.24');
    expect(dev.relations).toContainEqual({
      type: 'ownedBy',
      targetRef: 'user:default/guest',
    });
    // the other entity is exactly as it was
    const seedAfter = (await getEntity('workspace', 'team-a', 'seed'))
      .body as Entity;
    expect(seedAfter).toEqual(seedBefore);
  }, 60_000);

  it('delete → merge: the entity is gone', async () => {
    await platform.merge([
      { action: 'delete', path: 'workspaces/team-a/dev.yaml' },
    ]);
    await eventually(async () =>
      expect((await getEntity('workspace', 'team-a', 'dev')).status).toBe(404),
    );
    expect((await getEntity('workspace', 'team-a', 'seed')).status).toBe(200);
  }, 60_000);

  describe('webhooks of the events backend', () => {
    const githubPush = JSON.stringify({
      ref: 'refs/heads/main',
      after: 'f'.repeat(40),
      repository: { full_name: 'acme/hosted' },
    });
    const sign = (body: string, secret: string) =>
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

    it('rejects a GitHub delivery with a forged signature, and syncs on a signed one', async () => {
      await hosted.merge([
        {
          action: 'create',
          path: 'workspaces/team-b/hosted.yaml',
          content: workspaceYaml('team-b', 'hosted'),
        },
      ]);
      // a sync starts by reading the head of the default branch
      const head = jest.spyOn(hosted.provider, 'head');

      for (const signature of [
        sign(githubPush, 'not-the-secret'),
        undefined,
        'sha256=zz',
      ]) {
        const forged = request(server)
          .post('/api/events/http/github')
          .set('content-type', 'application/json')
          .set('x-github-event', 'push');
        if (signature) forged.set('x-hub-signature-256', signature);
        const response = await forged.send(githubPush);
        expect(response.status).toBe(403);
      }
      // no forged delivery made anything look at the repository
      expect(head).not.toHaveBeenCalled();

      const signed = await request(server)
        .post('/api/events/http/github')
        .set('content-type', 'application/json')
        .set('x-github-event', 'push')
        .set('x-hub-signature-256', sign(githubPush, GITHUB_SECRET))
        .send(githubPush);
      expect(signed.status).toBe(202);
      await entityWhen('hosted', () => {}, 'team-b');
    }, 60_000);

    it('rejects a GitLab delivery with a wrong token, and syncs on a right one', async () => {
      await lab.merge([
        {
          action: 'create',
          path: 'workspaces/team-c/lab.yaml',
          content: workspaceYaml('team-c', 'lab'),
        },
      ]);
      const push = {
        object_kind: 'push',
        ref: 'refs/heads/main',
        project: { path_with_namespace: 'acme/lab' },
      };
      const head = jest.spyOn(lab.provider, 'head');

      for (const token of ['wrong-token', undefined]) {
        const forged = request(server)
          .post('/api/events/http/gitlab')
          .set('content-type', 'application/json');
        if (token) forged.set('x-gitlab-token', token);
        expect((await forged.send(push)).status).toBe(403);
      }
      expect(head).not.toHaveBeenCalled();

      const accepted = await request(server)
        .post('/api/events/http/gitlab')
        .set('content-type', 'application/json')
        .set('x-gitlab-token', GITLAB_SECRET)
        .send(push);
      expect(accepted.status).toBe(202);
      await entityWhen('lab', () => {}, 'team-c');
    }, 60_000);
  });
});
