import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { serveChanges } from '../__testUtils__/changeRoutes';
import {
  startFakeGitopsBackend,
  type FakeGitopsBackend,
} from '../__testUtils__/fakeGitopsBackend';
import { rejectionOf } from '@butler-portal/plugin-gitops-common/testUtils';
import { GitopsClient } from '../gitops/GitopsClient';
import { createWorkspaceCreateAction } from './workspaceCreate';

// the example template of the platform layout, as the gitops backend would serve it
const goDev = parse(
  readFileSync(
    resolve(
      __dirname,
      '../../../../repo-layouts/platform/workspace-templates/team-a/go-dev.yaml',
    ),
    'utf8',
  ),
);

const jane = mockCredentials.user('user:default/jane');
const users = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane', namespace: 'default' },
    spec: { profile: { email: 'jane@example.com' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'noemail', namespace: 'default' },
    spec: { profile: {}, memberOf: [] },
  },
];

const input = {
  name: 'jane-dev',
  namespace: 'team-a',
  template: 'go-dev',
  clusterRef: 'team-a-dev',
  memory: '8Gi',
  repositories: [{ url: 'https://github.com/example-org/payments-api.git' }],
  idleTimeout: '2h',
};

function templateEntry(object: any) {
  return {
    status: 200,
    body: {
      repository: 'platform',
      kind: 'WorkspaceTemplate',
      namespace: object.metadata.namespace,
      name: object.metadata.name,
      path: `workspace-templates/${object.metadata.namespace}/${object.metadata.name}.yaml`,
      revision: 'abc123',
      object,
      yaml: '',
      changes: [],
    },
  };
}

function contextFor(
  values: Record<string, unknown>,
  options: { credentials?: any; dryRun?: boolean } = {},
) {
  const ctx = createMockActionContext({ input: values as any });
  return {
    ...ctx,
    isDryRun: options.dryRun ?? false,
    getInitiatorCredentials: async () => options.credentials ?? jane,
  } as any;
}

const outputsOf = (ctx: { output: jest.Mock }) =>
  Object.fromEntries(ctx.output.mock.calls);

describe('butler:workspace:create', () => {
  let backend: FakeGitopsBackend;
  let action: ReturnType<typeof createWorkspaceCreateAction>;

  beforeEach(async () => {
    backend = await startFakeGitopsBackend();
    backend.on(
      'GET',
      '/resources/WorkspaceTemplate/team-a/go-dev',
      templateEntry(goDev),
    );
    backend.on(
      'GET',
      '/resources/WorkspaceTemplate/butler-system/base',
      templateEntry({
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'WorkspaceTemplate',
        metadata: { name: 'base', namespace: 'butler-system' },
        spec: {
          displayName: 'Base',
          scope: 'cluster',
          template: {
            image: 'ubuntu:24.04',
            repository: { url: 'https://github.com/example-org/starter.git' },
            dotfiles: { url: 'https://github.com/example-org/dotfiles.git' },
          },
        },
      }),
    );
    backend.on(
      'GET',
      '/resources/WorkspaceTemplate/team-b/rust-dev',
      templateEntry({
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'WorkspaceTemplate',
        metadata: { name: 'rust-dev', namespace: 'team-b' },
        spec: { displayName: 'Rust', template: { image: 'rust:1' } },
      }),
    );
    serveChanges(backend, {
      url: n => `https://github.com/acme/platform/pull/${n}`,
    });
    action = createWorkspaceCreateAction({
      client: new GitopsClient({
        discovery: backend.discovery,
        auth: mockServices.auth(),
      }),
      catalog: catalogServiceMock({ entities: users }),
    });
  });
  afterEach(() => backend.close());

  const posts = () => backend.requests.filter(r => r.method === 'POST');

  it("builds the Workspace from the template and the user's choices and opens it as the user", async () => {
    const ctx = contextFor(input);

    await action.handler(ctx);

    const token = `Bearer ${mockCredentials.service.token({
      onBehalfOf: jane,
      targetPluginId: 'gitops',
    })}`;
    const [read] = backend.requests;
    expect(read.path).toBe('/resources/WorkspaceTemplate/team-a/go-dev');
    expect(read.headers.authorization).toBe(token);

    expect(posts()).toHaveLength(1);
    const [post] = posts();
    expect(post.headers.authorization).toBe(token);
    expect(post.headers['idempotency-key']).toBe(
      'scaffolder:mock-task-id:mock-step-id',
    );
    expect(post.body).toEqual({
      operation: 'create',
      kind: 'Workspace',
      namespace: 'team-a',
      name: 'jane-dev',
      title: 'Create workspace team-a/jane-dev',
      description:
        'Workspace from the WorkspaceTemplate team-a/go-dev, requested through a software template.',
      resource: {
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
        metadata: {
          name: 'jane-dev',
          namespace: 'team-a',
          annotations: { 'portal.butlerlabs.dev/template': 'team-a/go-dev' },
        },
        spec: {
          owner: 'jane@example.com',
          clusterRef: { name: 'team-a-dev' },
          image: 'golang:1.23-bookworm',
          resources: { cpu: '2', memory: '8Gi' },
          storageSize: '20Gi',
          repositories: [
            { url: 'https://github.com/example-org/payments-api.git' },
          ],
          idleTimeout: '2h',
        },
      },
    });
    expect(outputsOf(ctx)).toEqual({
      id: 'platform:1',
      number: 1,
      repository: 'platform',
      url: 'https://github.com/acme/platform/pull/1',
      branch: 'butler/workspace/jane-dev/1',
      state: 'open',
      path: 'gitops/workspaces/team-a/jane-dev.yaml',
    });
  });

  it('falls back to the cluster-scoped template of that name', async () => {
    const ctx = contextFor({
      ...input,
      template: 'base',
      owner: 'ops@example.com',
      repositories: undefined,
    });

    await action.handler(ctx);

    expect(backend.requests.slice(0, 2).map(r => r.path)).toEqual([
      '/resources/WorkspaceTemplate/team-a/base',
      '/resources/WorkspaceTemplate/butler-system/base',
    ]);
    const { resource } = posts()[0].body;
    expect(resource.metadata.annotations).toEqual({
      'portal.butlerlabs.dev/template': 'butler-system/base',
    });
    expect(resource.spec).toEqual({
      owner: 'ops@example.com',
      clusterRef: { name: 'team-a-dev' },
      image: 'ubuntu:24.04',
      resources: { memory: '8Gi' },
      repository: { url: 'https://github.com/example-org/starter.git' },
      dotfiles: { url: 'https://github.com/example-org/dotfiles.git' },
      idleTimeout: '2h',
    });
  });

  it("refuses another team's team-scoped template", async () => {
    const ctx = contextFor({ ...input, template: 'team-b/rust-dev' });

    const error = await rejectionOf(action.handler(ctx));

    expect(error.message).toBe(
      'template: team-b/rust-dev is scoped to team team-b; a workspace in team-a needs a template of its own namespace or a cluster-scoped one',
    );
    expect(posts()).toEqual([]);
  });

  it('says which templates it looked for when none exists', async () => {
    const ctx = contextFor({ ...input, template: 'nope' });

    const error = await rejectionOf(action.handler(ctx));

    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe(
      'template: no WorkspaceTemplate team-a/nope or butler-system/nope',
    );
  });

  it('needs an owner email when the catalog User has none', async () => {
    const ctx = contextFor(input, {
      credentials: mockCredentials.user('user:default/noemail'),
    });

    const error = await rejectionOf(action.handler(ctx));

    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      "owner: not given, and the catalog User entity user:default/noemail has no spec.profile.email; give the owner's email",
    );
    expect(backend.requests).toEqual([]);
  });

  it('needs an owner email when the catalog does not know the user', async () => {
    const ctx = contextFor(input, {
      credentials: mockCredentials.user('user:default/ghost'),
    });

    const error = await rejectionOf(action.handler(ctx));

    expect(error.message).toBe(
      "owner: not given, and the catalog has no User entity user:default/ghost; give the owner's email",
    );
  });

  it.each([
    [{ name: '../x' }, /^Workspace team-a\/\.\.\/x: name: /],
    [
      { cpu: 'lots' },
      /^Workspace team-a\/jane-dev is invalid:\n {2}- workspaces\/team-a\/jane-dev\.yaml:\d+:\d+ \/spec\/resources\/cpu: /,
    ],
    [{ idleTimeout: 'a while' }, /\/spec\/idleTimeout: /],
    [{ dotfiles: { url: 'x; rm -rf ~' } }, /\/spec\/dotfiles\/url: /],
  ])('refuses %j before opening anything', async (override, message) => {
    const ctx = contextFor({ ...input, ...override });

    const error = await rejectionOf(action.handler(ctx));

    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(message);
    expect(posts()).toEqual([]);
  });

  it('on a dry run reads the template and shows the Workspace file, opening nothing', async () => {
    const ctx = contextFor(input, { dryRun: true });

    await action.handler(ctx);

    expect(posts()).toEqual([]);
    const outputs = outputsOf(ctx);
    expect(outputs.state).toBe('dry-run');
    expect(outputs.path).toBe('workspaces/team-a/jane-dev.yaml');
    expect(parse(outputs.yaml).spec).toMatchObject({
      owner: 'jane@example.com',
      image: 'golang:1.23-bookworm',
      resources: { cpu: '2', memory: '8Gi' },
    });
  });
});
