import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import {
  ANNOTATION_OPEN_CHANGES,
  ANNOTATION_SOURCE_COMMIT,
  ANNOTATION_SOURCE_ERROR,
  ANNOTATION_SOURCE_PATH,
  ANNOTATION_SOURCE_REPOSITORY,
} from '../entity/annotations';
import {
  artifactYaml,
  createTestRepository,
  removeTempDirs,
  type TestRepository,
  workspaceYaml,
} from '../__testUtils__/localRepository';
import { ValidatedResources } from '../processor/ValidatedResources';
import { GitOpsEntityProvider } from './GitOpsEntityProvider';

const ALL_KINDS = KINDS.map(k => k.kind);
const LOCATION_KEY = 'gitops-provider:platform';

/** Records what the provider hands to the catalog. */
class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
  last() {
    return this.mutations[this.mutations.length - 1];
  }
}

async function setUp(files: Record<string, string>, kinds = ALL_KINDS) {
  const repo = await createTestRepository(files);
  const provider = new GitOpsEntityProvider({
    repository: { id: 'platform', provider: repo.provider, kinds },
    logger: mockServices.logger.mock(),
    appBaseUrl: 'http://portal.test/',
  });
  const connection = new RecordingConnection();
  await provider.connect(connection);
  return { repo, provider, connection };
}

function entitiesOf(mutation: EntityProviderMutation): Entity[] {
  return (mutation.type === 'full' ? mutation.entities : mutation.added).map(
    e => e.entity,
  );
}

function byName(entities: Entity[], name: string): Entity {
  const entity = entities.find(e => e.metadata.name === name);
  if (!entity)
    throw new Error(
      `no entity ${name} among ${entities.map(e => e.metadata.name)}`,
    );
  return entity;
}

afterEach(removeTempDirs);

describe('GitOpsEntityProvider', () => {
  const seed = {
    'workspaces/team-a/alpha.yaml': workspaceYaml('team-a', 'alpha'),
    'workspaces/team-a/beta.yaml': workspaceYaml('team-a', 'beta'),
    'artifacts/team-a/vpc.yaml': artifactYaml('team-a', 'vpc'),
    'workspaces/notes.yaml': 'not: a resource path\n',
    'docs/workspace.yaml': workspaceYaml('team-a', 'elsewhere'),
  };

  it('records each resource it hands over valid, so the processor does not validate it again', async () => {
    const repo = await createTestRepository({
      ...seed,
      'workspaces/team-a/broken.yaml': 'apiVersion: [\n',
    });
    const validated = new ValidatedResources();
    const provider = new GitOpsEntityProvider({
      repository: { id: 'platform', provider: repo.provider, kinds: ALL_KINDS },
      logger: mockServices.logger.mock(),
      appBaseUrl: 'http://portal.test/',
      validated,
    });
    const connection = new RecordingConnection();
    await provider.connect(connection);
    await provider.sync();
    const entities = entitiesOf(connection.last());
    const valid = entities.filter(
      e => !e.metadata.annotations?.[ANNOTATION_SOURCE_ERROR],
    );
    expect(valid.map(e => e.metadata.name).sort()).toEqual(['alpha', 'beta', 'vpc']);
    expect(validated.size).toBe(3);
    for (const entity of valid) {
      expect(validated.has(ValidatedResources.resourceJson(entity))).toBe(true);
    }
  });

  it('hands every resource file of the default branch over in one full mutation', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    const head = await repo.provider.head();

    expect(connection.mutations).toHaveLength(1);
    const mutation = connection.last();
    expect(mutation.type).toBe('full');
    const entities = entitiesOf(mutation);
    expect(
      entities
        .map(e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`)
        .sort(),
    ).toEqual([
      'Artifact:team-a/vpc',
      'Workspace:team-a/alpha',
      'Workspace:team-a/beta',
    ]);
    expect(mutation).toMatchObject({
      entities: Array(3).fill(
        expect.objectContaining({ locationKey: LOCATION_KEY }),
      ),
    });
    const alpha = byName(entities, 'alpha');
    expect(alpha).toEqual({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: {
        name: 'alpha',
        namespace: 'team-a',
        annotations: {
          'backstage.io/managed-by-location':
            'gitops:platform/workspaces/team-a/alpha.yaml',
          'backstage.io/managed-by-origin-location':
            'gitops:platform/workspaces/team-a/alpha.yaml',
          'backstage.io/view-url':
            'http://portal.test/catalog/team-a/workspace/alpha/gitops',
          'backstage.io/edit-url':
            'http://portal.test/catalog/team-a/workspace/alpha/gitops',
          [ANNOTATION_SOURCE_REPOSITORY]: 'platform',
          [ANNOTATION_SOURCE_PATH]: 'workspaces/team-a/alpha.yaml',
          [ANNOTATION_SOURCE_COMMIT]: head,
        },
      },
      spec: {
        clusterRef: { name: 'dev-cluster' },
        owner: 'guest@example.com',
        image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
      },
    });
    expect(byName(entities, 'vpc').metadata.title).toBe('vpc module');
    expect(provider.lastResult).toEqual({
      type: 'full',
      head,
      added: 3,
      removed: 0,
      invalid: 0,
      timings: expect.objectContaining({ totalMs: expect.any(Number) }),
    });
  });

  it('hands over only the files a merge changed, as a delta mutation', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    const head = await repo.merge([
      {
        action: 'create',
        path: 'workspaces/team-b/gamma.yaml',
        content: workspaceYaml('team-b', 'gamma'),
      },
      {
        action: 'update',
        path: 'workspaces/team-a/alpha.yaml',
        content: workspaceYaml('team-a', 'alpha', {
          image: 'ghcr.io/butlerdotdev/workspace-go:1.24',
        }),
      },
    ]);

    await provider.sync();

    expect(connection.mutations).toHaveLength(2);
    const mutation = connection.last();
    expect(mutation).toMatchObject({ type: 'delta', removed: [] });
    const added = entitiesOf(mutation);
    expect(added.map(e => e.metadata.name).sort()).toEqual(['alpha', 'gamma']);
    expect(byName(added, 'alpha').spec?.image).toBe(
      'ghcr.io/butlerdotdev/workspace-go:1.24',
    );
    expect(
      byName(added, 'alpha').metadata.annotations?.[ANNOTATION_SOURCE_COMMIT],
    ).toBe(head);
    expect(byName(added, 'gamma').metadata.namespace).toBe('team-b');
  });

  it('removes the entity of a deleted file and leaves the others alone', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    await repo.merge([
      { action: 'delete', path: 'workspaces/team-a/beta.yaml' },
    ]);

    await provider.sync();

    expect(connection.last()).toEqual({
      type: 'delta',
      added: [],
      removed: [
        { entityRef: 'workspace:team-a/beta', locationKey: LOCATION_KEY },
      ],
    });
  });

  it('hands nothing over when the default branch has not moved', async () => {
    const { provider, connection } = await setUp(seed);
    await provider.sync();
    await provider.sync();
    expect(connection.mutations).toHaveLength(1);
    expect(provider.lastResult?.type).toBe('none');
  });

  it('keeps the last valid entity of a file that breaks, with the issues, and recovers when it is fixed', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    const goodHead = await repo.provider.head();
    const brokenHead = await repo.merge([
      {
        action: 'update',
        path: 'workspaces/team-a/alpha.yaml',
        content: workspaceYaml('team-a', 'alpha').replace(
          '  image: ghcr.io/butlerdotdev/workspace-go:1.23\n',
          '  image: 42\n',
        ),
      },
    ]);

    await provider.sync();

    const broken = connection.last();
    expect(broken.type).toBe('delta');
    const added = entitiesOf(broken);
    // only the broken file's entity: the others are not touched
    expect(added.map(e => e.metadata.name)).toEqual(['alpha']);
    const alpha = added[0];
    // the content is the last valid one ...
    expect(alpha.spec?.image).toBe('ghcr.io/butlerdotdev/workspace-go:1.23');
    // ... marked with the issues of the broken commit, for the processor to report
    expect(alpha.metadata.annotations?.[ANNOTATION_SOURCE_COMMIT]).toBe(
      brokenHead,
    );
    expect(alpha.metadata.annotations?.[ANNOTATION_SOURCE_ERROR]).toMatch(
      /^workspaces\/team-a\/alpha\.yaml:\d+:\d+ \/spec\/image: .*string/,
    );
    expect(provider.lastResult).toMatchObject({
      type: 'delta',
      added: 1,
      invalid: 1,
    });
    expect(goodHead).not.toBe(brokenHead);

    // an unrelated change later does not touch the broken entity
    await repo.merge([{ action: 'delete', path: 'artifacts/team-a/vpc.yaml' }]);
    await provider.sync();
    expect(connection.last()).toMatchObject({
      type: 'delta',
      added: [],
      removed: [{ entityRef: 'artifact:team-a/vpc' }],
    });

    // fixed: the new content, without the error
    const fixedHead = await repo.merge([
      {
        action: 'update',
        path: 'workspaces/team-a/alpha.yaml',
        content: workspaceYaml('team-a', 'alpha', {
          image: 'ghcr.io/butlerdotdev/workspace-go:1.25',
        }),
      },
    ]);
    await provider.sync();
    const fixed = entitiesOf(connection.last());
    expect(fixed).toHaveLength(1);
    expect(fixed[0].spec?.image).toBe('ghcr.io/butlerdotdev/workspace-go:1.25');
    expect(fixed[0].metadata.annotations).not.toHaveProperty(
      ANNOTATION_SOURCE_ERROR,
    );
    expect(fixed[0].metadata.annotations?.[ANNOTATION_SOURCE_COMMIT]).toBe(
      fixedHead,
    );
  });

  it('names a file that never validated after its path, with the issues and no content', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    await repo.merge([
      // the file's name disagrees with its path: the layout check reports it
      {
        action: 'create',
        path: 'workspaces/team-a/delta.yaml',
        content: workspaceYaml('team-a', 'other'),
      },
    ]);

    await provider.sync();

    const [entity] = entitiesOf(connection.last());
    expect(entity).toMatchObject({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: { name: 'delta', namespace: 'team-a' },
      spec: {},
    });
    expect(entity.metadata.annotations?.[ANNOTATION_SOURCE_ERROR]).toContain(
      'workspaces/team-a/delta.yaml',
    );
  });

  it('after a restart, marks a file broken on the default branch from its path and hands the others over as usual', async () => {
    const files = {
      ...seed,
      'workspaces/team-a/alpha.yaml': 'apiVersion: [unclosed\n',
    };
    const { provider, connection } = await setUp(files);
    await provider.sync();
    const entities = entitiesOf(connection.last());
    expect(entities).toHaveLength(3);
    expect(
      byName(entities, 'alpha').metadata.annotations?.[ANNOTATION_SOURCE_ERROR],
    ).toBeDefined();
    expect(byName(entities, 'beta').metadata.annotations).not.toHaveProperty(
      ANNOTATION_SOURCE_ERROR,
    );
    expect(provider.lastResult).toMatchObject({ type: 'full', invalid: 1 });
  });

  it('lists the open change requests touching each file, and drops them once closed', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    const number = await repo.open([
      {
        action: 'update',
        path: 'workspaces/team-a/beta.yaml',
        content: workspaceYaml('team-a', 'beta', {
          image: 'ghcr.io/butlerdotdev/workspace-go:2.0',
        }),
      },
      // a pending creation has no entity yet
      {
        action: 'create',
        path: 'workspaces/team-a/pending.yaml',
        content: workspaceYaml('team-a', 'pending'),
      },
    ]);

    await provider.sync({ changes: true });

    let added = entitiesOf(connection.last());
    expect(added.map(e => e.metadata.name)).toEqual(['beta']);
    expect(added[0].metadata.annotations?.[ANNOTATION_OPEN_CHANGES]).toBe(
      `platform:${number}`,
    );
    // the content stays the default branch's
    expect(added[0].spec?.image).toBe('ghcr.io/butlerdotdev/workspace-go:1.23');

    await repo.provider.close(String(number), {
      userRef: 'user:default/guest',
      name: 'Guest',
      email: 'guest@example.com',
    });
    await provider.sync({ changes: true });
    added = entitiesOf(connection.last());
    expect(added.map(e => e.metadata.name)).toEqual(['beta']);
    expect(added[0].metadata.annotations).not.toHaveProperty(
      ANNOTATION_OPEN_CHANGES,
    );
  });

  it('reads only the folders of the repository kinds', async () => {
    const { provider, connection } = await setUp(seed, ['Artifact']);
    await provider.sync();
    expect(entitiesOf(connection.last()).map(e => e.kind)).toEqual([
      'Artifact',
    ]);
  });

  it('falls back to a full mutation when the last processed commit cannot be compared', async () => {
    const { repo, provider, connection } = await setUp(seed);
    await provider.sync();
    await repo.merge([
      { action: 'delete', path: 'workspaces/team-a/beta.yaml' },
    ]);
    jest
      .spyOn(repo.provider, 'changedPaths')
      .mockRejectedValueOnce(new Error('commit not found'));

    await provider.sync();

    const mutation = connection.last();
    expect(mutation.type).toBe('full');
    expect(
      entitiesOf(mutation)
        .map(e => e.metadata.name)
        .sort(),
    ).toEqual(['alpha', 'vpc']);
  });

  it('runs one sync at a time and merges the requests made meanwhile', async () => {
    const { repo, provider } = await setUp(seed);
    const head = jest.spyOn(repo.provider, 'head');
    await Promise.all([
      provider.sync(),
      provider.sync(),
      provider.sync({ changes: true }),
      provider.sync(),
    ]);
    // the first run, then one run for the three requests that came while it ran
    expect(head).toHaveBeenCalledTimes(2);
  });

  it('refuses to sync before the catalog connected it', async () => {
    const repo: TestRepository = await createTestRepository(seed);
    const provider = new GitOpsEntityProvider({
      repository: { id: 'platform', provider: repo.provider, kinds: ALL_KINDS },
      logger: mockServices.logger.mock(),
      appBaseUrl: 'http://portal.test',
    });
    await expect(provider.sync()).rejects.toThrow(
      'gitops-provider:platform is not connected to the catalog yet',
    );
  });
});
