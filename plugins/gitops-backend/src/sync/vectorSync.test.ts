/*
 * The embedded default's shape end to end: a repository synced to a `directory` target and a
 * `vector-directory` target (read from config as app-config.embedded.yaml declares them); a
 * merged Pipeline reaches the Vector config directory on the push, Workspaces reach only the
 * manifests folder, and Pipelines only the Vector one.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConfigReader } from '@backstage/config';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseReconcilerStore } from '@butler-portal/plugin-reconciler-node';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import { readSyncConfig } from './readSyncConfig';
import { SyncTasks } from './SyncTasks';
import { alice, bob, workspaceYaml } from '../__testUtils__/syncFixtures';

const PIPELINE = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: app-logs
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    app:
      type: demo_logs
      options:
        format: json
  sinks:
    out:
      type: console
      inputs: [app]
      options:
        encoding:
          codec: json
`;

describe('SyncTasks with a vector-directory target', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3'],
    disableDocker: true,
  });
  let root: string;
  beforeEach(async () => {
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'vector-sync-'));
  });
  afterEach(() => fs.promises.rm(root, { recursive: true, force: true }));

  it('delivers a merged pipeline to the Vector config directory on the push, and Workspaces elsewhere', async () => {
    const template = path.join(root, 'layout');
    await fs.promises.mkdir(path.join(template, 'workspaces', 'team-a'), {
      recursive: true,
    });
    await fs.promises.writeFile(
      path.join(template, 'workspaces', 'team-a', 'ws-1.yaml'),
      workspaceYaml('ws-1'),
    );
    const dir = path.join(root, 'platform.git');
    await ensureLocalRepository({
      dir,
      templateDir: template,
      initialAuthor: alice,
    });
    const provider = new LocalGitProvider({ repository: 'platform', dir });

    const config = readSyncConfig(
      new ConfigReader({
        butlerPortal: { dataDir: path.join(root, 'data') },
        gitops: {
          repositories: [
            {
              id: 'platform',
              provider: 'local',
              sync: {
                targets: [{ type: 'directory' }, { type: 'vector-directory' }],
              },
            },
          ],
        },
      }),
    );
    const tasks = await SyncTasks.start({
      config,
      repositories: [
        { id: 'platform', provider, kinds: ['Workspace', 'Pipeline'] },
      ],
      store: await DatabaseReconcilerStore.create(
        await databases.init('SQLITE_3'),
      ),
      scheduler: {
        scheduleTask: async () => {},
        triggerTask: async () => {},
      } as any,
      events: { publish: async () => {}, subscribe: async () => {} },
      logger: mockServices.logger.mock(),
    });

    const change = await provider.openChange({
      branch: 'butler/test/pipeline',
      title: 'Create app-logs',
      description: '',
      operations: [
        {
          action: 'create',
          path: 'pipelines/team-a/app-logs.yaml',
          content: PIPELINE,
        },
      ],
      actor: alice,
    });
    await provider.review(change.id, { decision: 'approve', actor: bob });
    await provider.setCommitStatus(change.headSha, {
      context: VALIDATION_CHECK_CONTEXT,
      state: 'success',
    });
    const commit = (await provider.merge(change.id, alice)).mergeCommitSha!;
    await tasks.onGitEvent({
      type: 'push',
      repository: 'platform',
      branch: 'main',
      after: commit,
    });

    const vectorDir = path.join(root, 'data', 'vector', 'platform');
    expect(await fs.promises.readdir(vectorDir)).toEqual([
      'team-a_app-logs.yaml',
    ]);
    const delivered = await fs.promises.readFile(
      path.join(vectorDir, 'team-a_app-logs.yaml'),
      'utf8',
    );
    expect(delivered).toContain('team-a_app-logs_app:');
    const manifests = path.join(root, 'data', 'manifests', 'platform');
    expect(
      fs.existsSync(path.join(manifests, 'workspaces', 'team-a', 'ws-1.yaml')),
    ).toBe(true);
    expect(fs.existsSync(path.join(manifests, 'pipelines'))).toBe(false);

    const status = await tasks.status();
    expect(status.map(s => [s.target, s.condition.type, s.revision])).toEqual([
      ['directory', 'Ready', commit],
      ['vector-directory', 'Ready', commit],
    ]);
    expect(status[1].resources).toEqual([
      expect.objectContaining({
        ref: { kind: 'Pipeline', namespace: 'team-a', name: 'app-logs' },
        status: 'Synced',
        health: { status: 'Unknown', message: 'no Vector API configured' },
      }),
    ]);
    await tasks.stop();
  });
});
