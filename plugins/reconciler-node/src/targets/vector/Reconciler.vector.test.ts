/*
 * The Reconciler delivering Pipelines to Vector: merges on a local repository converge the
 * Vector config directory and the ConfigMap on the test API server; a pipeline failing the
 * Herald rules merged to main changes nothing delivered (neither its own file nor any other),
 * its located error shows in the status and the commit status, and a later fix delivers.
 */
import fs from 'fs';
import path from 'path';
import { parse } from 'yaml';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import { TestDatabases } from '@backstage/backend-test-utils';
import { startFakeVectorApi } from '@butler-portal/fake-vector-api';
import { startKubeTestApiServer } from '@butler-portal/kube-test-apiserver';
import {
  LocalGitProvider,
  ensureLocalRepository,
} from '@butler-portal/plugin-gitops-backend-module-local';
import {
  makeTempDir,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { Reconciler } from '../../reconciler/Reconciler';
import { DatabaseReconcilerStore } from '../../reconciler/store/DatabaseReconcilerStore';
import { alice, mergeChanges } from '../../reconciler/testing/mergeChange';
import { workspaceYaml } from '../../reconciler/testing/resources';
import type { SyncTarget } from '../types';
import { VectorConfigMapTarget } from './VectorConfigMapTarget';
import { VectorDirectoryTarget } from './VectorDirectoryTarget';
import { VectorApiClient } from './vectorApi';
import { VECTOR_KINDS, vectorRenderStep } from './vectorRenderStep';
import {
  pipelineYaml,
  typeMismatchPipelineYaml,
  vectorConfigValidator,
} from './__testUtils__/pipelines';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const noWait = async () => {};

afterEach(removeTempDirs);

async function setup(target: SyncTarget) {
  const root = await makeTempDir('butler-reconciler-vector-');
  const template = path.join(root, 'layout');
  await fs.promises.mkdir(path.join(template, 'pipelines', 'team-a'), {
    recursive: true,
  });
  await fs.promises.mkdir(path.join(template, 'workspaces', 'team-a'), {
    recursive: true,
  });
  await fs.promises.writeFile(
    path.join(template, 'pipelines', 'team-a', 'one.yaml'),
    pipelineYaml('team-a', 'one'),
  );
  await fs.promises.writeFile(
    path.join(template, 'workspaces', 'team-a', 'dev.yaml'),
    workspaceYaml('dev'),
  );
  const dir = path.join(root, 'platform.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    initialAuthor: alice,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  const store = await DatabaseReconcilerStore.create(
    await databases.init('SQLITE_3'),
  );
  const statuses: Array<{ sha: string; state: string; description?: string }> =
    [];
  const setCommitStatus = provider.setCommitStatus.bind(provider);
  jest
    .spyOn(provider, 'setCommitStatus')
    .mockImplementation(async (sha, check) => {
      if (check.context === 'butler-portal/sync') {
        statuses.push({
          sha,
          state: check.state,
          description: check.description,
        });
      }
      return setCommitStatus(sha, check);
    });
  const reconciler = new Reconciler({
    provider,
    target,
    store,
    kinds: VECTOR_KINDS,
    render: vectorRenderStep(),
    commitStatusContext: 'butler-portal/sync',
  });
  const merge = mergeChanges(provider);
  const file = (name: string) => `pipelines/team-a/${name}.yaml`;
  return { provider, reconciler, merge, file, statuses };
}

/** the scenario, for any Vector target; `delivered()` reads what the target holds by file name */
async function convergeScenario(
  target: SyncTarget,
  delivered: () => Promise<Record<string, string>>,
) {
  const { reconciler, merge, file, statuses } = await setup(target);
  const validate = vectorConfigValidator();
  const expectValidVectorConfig = (files: Record<string, string>) => {
    for (const [name, content] of Object.entries(files)) {
      const ok = validate(parse(content));
      if (!ok) throw new Error(`${name}: ${JSON.stringify(validate.errors)}`);
    }
  };

  // first sync: the pipeline only, never the Workspace
  let result = await reconciler.runOnce();
  expect(result.condition.type).toBe('Ready');
  let files = await delivered();
  expect(Object.keys(files)).toEqual(['team-a_one.yaml']);
  expect(files['team-a_one.yaml']).toContain('team-a_one_app:');
  expectValidVectorConfig(files);

  // create
  await merge({
    action: 'create',
    path: file('two'),
    content: pipelineYaml('team-a', 'two'),
  });
  result = await reconciler.runOnce();
  expect(result.applied).toEqual([
    { kind: 'Pipeline', namespace: 'team-a', name: 'two' },
  ]);
  files = await delivered();
  expect(Object.keys(files).sort()).toEqual([
    'team-a_one.yaml',
    'team-a_two.yaml',
  ]);
  expectValidVectorConfig(files);

  // edit
  await merge({
    action: 'update',
    path: file('one'),
    content: pipelineYaml('team-a', 'one', { tag: 'edited', extraSink: true }),
  });
  await reconciler.runOnce();
  files = await delivered();
  expect(files['team-a_one.yaml']).toContain('.pipeline = "edited"');
  expect(files['team-a_one.yaml']).toContain('team-a_one_copy:');
  expectValidVectorConfig(files);
  const good = files;

  // an invalid pipeline merged to main (its checks skipped): nothing delivered changes
  const broken = await merge({
    action: 'update',
    path: file('two'),
    content: typeMismatchPipelineYaml('team-a', 'two'),
  });
  result = await reconciler.runOnce();
  expect(await delivered()).toEqual(good);
  expect(result.applied).toEqual([]);
  expect(result.pruned).toEqual([]);
  expect(result.condition).toEqual({
    type: 'Stalled',
    reason: 'ValidationFailed',
    message: expect.stringContaining(
      'pipelines/team-a/two.yaml:15:11: /spec/sinks/out/inputs/0: spec.sinks.out.inputs[0]: "host" (host_metrics source "host") carries only metrics',
    ),
  });
  const status = await reconciler.status();
  const two = status.resources.find(r => r.ref.name === 'two')!;
  expect(two.status).toBe('OutOfSync');
  expect(two.condition.reason).toBe('ValidationFailed');
  expect(two.lastError).toContain('pipelines/team-a/two.yaml:15:11');
  expect(statuses.at(-1)).toEqual({
    sha: broken,
    state: 'failure',
    description: expect.stringMatching(
      /^ValidationFailed: nothing is deleted while 1 file\(s\) are invalid: pipelines\/team-a\/two\.yaml:15:11/,
    ),
  });

  // a deletion while a pipeline is invalid is held back too
  await merge({ action: 'delete', path: file('one') });
  result = await reconciler.runOnce();
  // (two is withheld too: its file is invalid, so it has no desired object at this commit)
  expect(result.withheldPrunes).toEqual([
    { kind: 'Pipeline', namespace: 'team-a', name: 'one' },
    { kind: 'Pipeline', namespace: 'team-a', name: 'two' },
  ]);
  expect(await delivered()).toEqual(good);

  // the fix delivers the pipeline and the held-back deletion
  const fixed = await merge({
    action: 'update',
    path: file('two'),
    content: pipelineYaml('team-a', 'two', { tag: 'fixed' }),
  });
  result = await reconciler.runOnce();
  expect(result.condition.type).toBe('Ready');
  files = await delivered();
  expect(Object.keys(files)).toEqual(['team-a_two.yaml']);
  expect(files['team-a_two.yaml']).toContain('.pipeline = "fixed"');
  expectValidVectorConfig(files);
  expect(statuses.at(-1)).toEqual(
    expect.objectContaining({ sha: fixed, state: 'success' }),
  );

  // idempotent: another run writes nothing
  result = await reconciler.runOnce({ full: true });
  expect(result.applied).toEqual([]);
  expect(result.unchanged).toEqual([
    { kind: 'Pipeline', namespace: 'team-a', name: 'two' },
  ]);
  return reconciler;
}

describe('Reconciler with the Vector targets', () => {
  it('converges create, edit and delete merges in the Vector config directory; an invalid pipeline changes nothing delivered', async () => {
    const root = path.join(await makeTempDir('vector-config-dir-'), 'platform');
    const vector = await startFakeVectorApi();
    try {
      const target = new VectorDirectoryTarget({
        root,
        // answers not reused: the scenario asked for the status moments ago
        vectorApi: new VectorApiClient({ url: vector.url, cacheMs: 0 }),
        healthGraceMs: 0,
      });
      const read = async () => {
        const files: Record<string, string> = {};
        for (const name of (await fs.promises.readdir(root)).sort()) {
          files[name] = await fs.promises.readFile(
            path.join(root, name),
            'utf8',
          );
        }
        return files;
      };
      const reconciler = await convergeScenario(target, read);
      // what Vector would load from the folder: no duplicate ids, and every component runs
      expect(vector.loadConfigDir(root)).toBe(true);
      const status = await reconciler.status();
      expect(status.resources.map(r => [r.ref.name, r.health])).toEqual([
        ['two', { status: 'Healthy', message: 'Vector runs all 3 components' }],
      ]);
    } finally {
      await vector.stop();
    }
  }, 60_000);

  it('converges the same merges on a ConfigMap of the test API server, annotated with hash and commit', async () => {
    const server = await startKubeTestApiServer({
      namespaces: ['default', 'observability'],
    });
    try {
      const configMap = {
        name: 'vector-pipelines',
        namespace: 'observability',
      };
      const target = new VectorConfigMapTarget({
        kubeConfig: server.kubeconfig,
        configMap,
        requestTimeoutMs: 2000,
        retry: { sleep: noWait },
      });
      const api = KubernetesObjectApi.makeApiClient(server.kubeconfig);
      const live = async () =>
        JSON.parse(
          JSON.stringify(
            await api.read({
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: configMap,
            }),
          ),
        );
      const reconciler = await convergeScenario(target, async () => {
        try {
          return (await live()).data ?? {};
        } catch {
          return {};
        }
      });
      const object = await live();
      expect(object.metadata.labels).toEqual({
        'portal.butlerlabs.dev/managed-by': 'butler-portal',
      });
      const status = await reconciler.status();
      expect(object.metadata.annotations['portal.butlerlabs.dev/commit']).toBe(
        status.revision,
      );
      expect(
        object.metadata.annotations['portal.butlerlabs.dev/content-hash'],
      ).toMatch(/^[0-9a-f]{64}$/);
      expect(
        object.metadata.managedFields.map((m: any) => [m.manager, m.operation]),
      ).toEqual([['butler-portal', 'Apply']]);
      expect(status.resources.map(r => r.health)).toEqual([
        { status: 'Unknown', message: 'no Vector API configured' },
      ]);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
