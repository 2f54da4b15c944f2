import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { serveChanges } from '../__testUtils__/changeRoutes';
import {
  errorAnswer,
  startFakeGitopsBackend,
  type FakeGitopsBackend,
} from '../__testUtils__/fakeGitopsBackend';
import { rejectionOf } from '@butler-portal/plugin-gitops-common/testUtils';
import { GitopsClient } from '../gitops/GitopsClient';
import { createGitopsChangeAction } from './gitopsChange';

const resource = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'WorkspaceTemplate',
  metadata: { name: 'go-dev', namespace: 'team-a' },
  spec: { displayName: 'Go development', template: { image: 'golang:1.23' } },
};
const input = {
  operation: 'create' as const,
  kind: 'workspacetemplates',
  namespace: 'team-a',
  name: 'go-dev',
  resource,
  title: 'Add go-dev',
};

function outputsOf(ctx: { output: jest.Mock }) {
  return Object.fromEntries(ctx.output.mock.calls);
}

describe('butler:gitops:change', () => {
  let backend: FakeGitopsBackend;
  let action: ReturnType<typeof createGitopsChangeAction>;

  beforeEach(async () => {
    backend = await startFakeGitopsBackend();
    action = createGitopsChangeAction({
      client: new GitopsClient({
        discovery: backend.discovery,
        auth: mockServices.auth(),
      }),
    });
  });
  afterEach(() => backend.close());

  it('opens the change as the initiating user, with the step idempotency key', async () => {
    serveChanges(backend, {
      url: n => `https://github.com/acme/platform/pull/${n}`,
    });
    const ctx = createMockActionContext({ input });

    await action.handler(ctx as any);

    const post = backend.requests.find(r => r.method === 'POST')!;
    expect(post.path).toBe('/changes');
    // the kind is sent as the backend's kind name, whatever spelling the template used
    expect(post.body).toEqual({ ...input, kind: 'WorkspaceTemplate' });
    expect(post.headers['idempotency-key']).toBe(
      'scaffolder:mock-task-id:mock-step-id',
    );
    expect(post.headers.authorization).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: mockCredentials.user(),
        targetPluginId: 'gitops',
      })}`,
    );
    expect(outputsOf(ctx as any)).toEqual({
      id: 'platform:1',
      number: 1,
      repository: 'platform',
      url: 'https://github.com/acme/platform/pull/1',
      branch: 'butler/workspacetemplate/go-dev/1',
      state: 'open',
      // as the backend placed it (this repository keeps resources under gitops/)
      path: 'gitops/workspace-templates/team-a/go-dev.yaml',
    });
  });

  it('returns the same change when the step is retried', async () => {
    serveChanges(backend);
    const first = createMockActionContext({ input });
    const retry = createMockActionContext({ input });

    await action.handler(first as any);
    await action.handler(retry as any);

    const posts = backend.requests.filter(r => r.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(posts[1].headers['idempotency-key']).toBe(
      posts[0].headers['idempotency-key'],
    );
    expect(outputsOf(retry as any)).toEqual(outputsOf(first as any));
    expect(outputsOf(retry as any).id).toBe('platform:1');
  });

  it("links the portal's change page when the provider has no web page (local repositories)", async () => {
    serveChanges(backend);
    const ctx = createMockActionContext({ input });

    await action.handler(ctx as any);

    expect(outputsOf(ctx as any).url).toBe('/changes/platform%3A1');
  });

  it("fails with the backend's located issues when it refuses the file", async () => {
    backend.on(
      'POST',
      '/changes',
      errorAnswer(400, 'InputError', 'invalid file', [
        {
          file: 'workspace-templates/team-a/go-dev.yaml',
          path: '/spec/template/image',
          line: 9,
          column: 12,
          message: 'must be string',
        },
      ]),
    );
    const ctx = createMockActionContext({ input });

    const error = await rejectionOf(action.handler(ctx as any));

    expect(error.name).toBe('InputError');
    expect(error.message).toContain(
      'workspace-templates/team-a/go-dev.yaml:9:12 /spec/template/image: must be string',
    );
    expect(ctx.output).not.toHaveBeenCalled();
  });

  it('refuses an unknown kind before calling the backend', async () => {
    const ctx = createMockActionContext({ input: { ...input, kind: 'Pod' } });

    const error = await rejectionOf(action.handler(ctx as any));

    expect(error.message).toBe(
      'kind: unknown kind "Pod"; known kinds: Workspace, WorkspaceTemplate, TenantAddon, TenantCluster, Artifact, ArtifactVersion, Pipeline',
    );
    expect(backend.requests).toEqual([]);
  });

  describe('dry run', () => {
    it('validates and outputs the path and file, without calling the backend', async () => {
      const ctx = { ...createMockActionContext({ input }), isDryRun: true };

      await action.handler(ctx as any);

      expect(backend.requests).toEqual([]);
      const outputs = outputsOf(ctx as any);
      expect(outputs.state).toBe('dry-run');
      expect(outputs.path).toBe('workspace-templates/team-a/go-dev.yaml');
      expect(outputs.yaml).toBe(
        [
          'apiVersion: butler.butlerlabs.dev/v1alpha1',
          'kind: WorkspaceTemplate',
          'metadata:',
          '  name: go-dev',
          '  namespace: team-a',
          'spec:',
          '  displayName: Go development',
          '  template:',
          '    image: golang:1.23',
          '',
        ].join('\n'),
      );
    });

    it('refuses a hostile name, naming the field', async () => {
      const ctx = {
        ...createMockActionContext({ input: { ...input, name: '../x' } }),
        isDryRun: true,
      };

      const error = await rejectionOf(action.handler(ctx as any));

      expect(error.name).toBe('InputError');
      expect(error.message).toMatch(
        /^WorkspaceTemplate team-a\/\.\.\/x: name: /,
      );
      expect(backend.requests).toEqual([]);
    });

    it('refuses an invalid resource with its located issues', async () => {
      const ctx = {
        ...createMockActionContext({
          input: {
            ...input,
            resource: {
              ...resource,
              spec: { ...resource.spec, scope: 'everyone' },
            },
          },
        }),
        isDryRun: true,
      };

      const error = await rejectionOf(action.handler(ctx as any));

      expect(error.message).toMatch(
        /^WorkspaceTemplate team-a\/go-dev is invalid:\n {2}- workspace-templates\/team-a\/go-dev\.yaml:\d+:\d+ \/spec\/scope: /,
      );
      expect(backend.requests).toEqual([]);
    });

    it('shows only the path of a delete', async () => {
      const ctx = {
        ...createMockActionContext({
          input: {
            operation: 'delete',
            kind: 'Workspace',
            namespace: 'team-a',
            name: 'old-dev',
          },
        }),
        isDryRun: true,
      };

      await action.handler(ctx as any);

      expect(outputsOf(ctx as any)).toEqual({
        state: 'dry-run',
        path: 'workspaces/team-a/old-dev.yaml',
      });
    });
  });
});
