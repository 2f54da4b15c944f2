import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { validate } from '@butler-portal/plugin-gitops-common';
import { serveChanges } from '../__testUtils__/changeRoutes';
import {
  startFakeGitopsBackend,
  type FakeGitopsBackend,
} from '../__testUtils__/fakeGitopsBackend';
import { GitopsClient } from '../gitops/GitopsClient';
import { createRegistryPublishAction } from './registryPublish';

const jane = mockCredentials.user('user:default/jane');
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

const input = {
  artifact: 'terraform-aws-vpc',
  namespace: 'team-a',
  version: '1.5.0',
  url: 'https://git.example.com/team-a/modules.git',
  subdirectory: 'terraform/vpc',
  commit: COMMIT,
  changelog: 'Adds IPv6.',
};

function contextFor(values: Record<string, unknown>, options: { dryRun?: boolean } = {}) {
  const ctx = createMockActionContext({ input: values as any });
  return { ...ctx, isDryRun: options.dryRun ?? false, getInitiatorCredentials: async () => jane } as any;
}

const outputsOf = (ctx: { output: jest.Mock }) => Object.fromEntries(ctx.output.mock.calls);

describe('butler:registry:publish', () => {
  let backend: FakeGitopsBackend;
  let action: ReturnType<typeof createRegistryPublishAction>;

  beforeEach(async () => {
    backend = await startFakeGitopsBackend();
    serveChanges(backend);
    action = createRegistryPublishAction({
      client: new GitopsClient({ discovery: backend.discovery, auth: mockServices.auth() }),
    });
  });
  afterEach(() => backend.close());

  const posts = () => backend.requests.filter(r => r.method === 'POST');

  it('opens one change request adding the version file, pinned to the commit, as the user', async () => {
    const ctx = contextFor(input);
    await action.handler(ctx);
    expect(posts()).toHaveLength(1);
    const [post] = posts();
    expect(post.headers.authorization).toBe(
      `Bearer ${mockCredentials.service.token({ onBehalfOf: jane, targetPluginId: 'gitops' })}`,
    );
    expect(post.body).toMatchObject({
      operation: 'create',
      kind: 'ArtifactVersion',
      namespace: 'team-a',
      name: 'terraform-aws-vpc-1.5.0',
      title: 'Publish terraform-aws-vpc 1.5.0',
      resource: {
        apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
        kind: 'ArtifactVersion',
        metadata: { name: 'terraform-aws-vpc-1.5.0', namespace: 'team-a' },
        spec: {
          artifact: 'terraform-aws-vpc',
          version: '1.5.0',
          source: { git: { url: input.url, ref: COMMIT, commit: COMMIT, subdirectory: 'terraform/vpc' } },
          changelog: 'Adds IPv6.',
        },
      },
    });
    expect(outputsOf(ctx)).toMatchObject({ state: 'open', number: 1 });
  });

  it('a dry run previews a file valid under the ArtifactVersion schema and opens nothing', async () => {
    const ctx = contextFor(input, { dryRun: true });
    await action.handler(ctx);
    expect(posts()).toHaveLength(0);
    const out = outputsOf(ctx);
    expect(out.state).toBe('dry-run');
    expect(out.path).toBe('artifact-versions/team-a/terraform-aws-vpc-1.5.0.yaml');
    expect(validate(out.yaml, out.path).issues).toEqual([]);
  });

  it('refuses a v-prefixed version, a branch instead of a commit and a path escaping the repository, sending nothing', async () => {
    const refused = await action
      .handler(contextFor({ ...input, version: 'v1.5', commit: 'main', subdirectory: '../etc' }))
      .then(
        () => undefined,
        (e: Error) => e,
      );
    expect(refused).toBeInstanceOf(Error);
    if (!refused) throw new Error('not refused');
    expect(refused.message).toMatch(/^Version v1\.5 of team-a\/terraform-aws-vpc cannot be published:/);
    expect(refused.message).toMatch(/ {2}- version: /);
    expect(refused.message).toMatch(/ {2}- commit: "main" is not resolved to a commit yet/);
    expect(refused.message).toMatch(/ {2}- subdirectory: /);
    expect(posts()).toHaveLength(0);
  });

  describe('with a ref', () => {
    const TAGGED = 'fedcba9876543210fedcba9876543210fedcba98';
    const withRef = { ...input, commit: undefined, sourceRepository: 'modules', ref: 'v1.5.0' };

    it('resolves a tag through the registry as the user and pins the commit it points at', async () => {
      backend.on('GET', '/api/registry/sources/resolve', request => ({
        status: 200,
        body: { source: request.query.source, repository: 'modules', ref: request.query.ref, commit: TAGGED },
      }));
      await action.handler(contextFor(withRef));
      const [resolve] = backend.requests.filter(r => r.path === '/api/registry/sources/resolve');
      expect(resolve.query).toEqual({ source: 'modules', ref: 'v1.5.0' });
      expect(resolve.headers.authorization).toBe(
        `Bearer ${mockCredentials.service.token({ onBehalfOf: jane, targetPluginId: 'registry' })}`,
      );
      expect(posts()).toHaveLength(1);
      expect(posts()[0].body.resource.spec.source.git).toEqual({
        repository: 'modules',
        url: input.url,
        ref: 'v1.5.0',
        commit: TAGGED,
        subdirectory: 'terraform/vpc',
      });
    });

    it('refuses a ref that does not resolve, with the registry\'s reason, sending nothing', async () => {
      backend.on('GET', '/api/registry/sources/resolve', {
        status: 404,
        body: { error: { name: 'NotFoundError', message: "no branch or tag 'v1.5.0' in repository 'modules'" } },
      });
      await expect(action.handler(contextFor(withRef))).rejects.toThrow(
        /ref: "v1\.5\.0" cannot be pinned: .*no branch or tag 'v1\.5\.0'/,
      );
      expect(posts()).toHaveLength(0);
    });

    it('pins a full SHA of an outside repository as given', async () => {
      backend.on('GET', '/api/registry/sources/resolve', {
        status: 404,
        body: {
          error: {
            name: 'NotFoundError',
            message: `source "${input.url}" is not one of the portal's repositories (modules); give its full commit SHA`,
          },
        },
      });
      await action.handler(contextFor({ ...input, commit: undefined, ref: COMMIT }));
      expect(posts()[0].body.resource.spec.source.git).toMatchObject({ ref: COMMIT, commit: COMMIT });
    });

    it('refuses both or neither of ref and commit, and a hostile ref before asking anyone', async () => {
      await expect(action.handler(contextFor({ ...withRef, commit: COMMIT }))).rejects.toThrow(/exactly one of ref/);
      await expect(action.handler(contextFor({ ...input, commit: undefined }))).rejects.toThrow(/exactly one of ref/);
      await expect(action.handler(contextFor({ ...withRef, ref: '../x' }))).rejects.toThrow(
        / {2}- ref: .*not a branch or tag name/,
      );
      expect(backend.requests).toHaveLength(0);
    });
  });
});
