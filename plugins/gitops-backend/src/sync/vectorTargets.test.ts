import fs from 'fs';
import os from 'os';
import path from 'path';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import {
  VectorConfigMapTarget,
  VectorDirectoryTarget,
} from '@butler-portal/plugin-reconciler-node';
import { readSyncConfig } from './readSyncConfig';
import { createSyncTarget } from './SyncTasks';
import { vectorDelivery } from './vectorTargets';

const read = (targets: JsonObject[]) =>
  readSyncConfig(
    new ConfigReader({
      butlerPortal: { dataDir: '/data' },
      gitops: {
        repositories: [
          { id: 'platform', provider: 'local', sync: { targets } },
        ],
      },
    }),
    { workingDirectory: '/srv/backend' },
  )[0].targets;

describe('Vector sync targets', () => {
  it("reads vector-directory with its default folder and vector-configmap on a kubernetes target's connection", () => {
    expect(
      read([
        {
          type: 'kubernetes',
          name: 'mgmt',
          kubeconfigPath: 'kube/config',
          context: 'mgmt',
        },
        { type: 'vector-directory' },
        {
          type: 'vector-directory',
          name: 'edge',
          root: 'vector',
          vectorApiUrl: 'http://127.0.0.1:8686',
        },
        {
          type: 'vector-configmap',
          configMap: { name: 'vector-pipelines', namespace: 'observability' },
          connection: 'mgmt',
          vectorApiUrl: 'http://vector.observability.svc:8686',
        },
      ]),
    ).toEqual([
      {
        type: 'kubernetes',
        name: 'mgmt',
        kubeconfigPath: '/srv/backend/kube/config',
        context: 'mgmt',
      },
      {
        type: 'vector-directory',
        name: 'vector-directory',
        root: '/data/vector/platform',
      },
      {
        type: 'vector-directory',
        name: 'edge',
        root: '/srv/backend/vector',
        vectorApiUrl: 'http://127.0.0.1:8686',
      },
      {
        type: 'vector-configmap',
        name: 'vector-configmap',
        configMap: { name: 'vector-pipelines', namespace: 'observability' },
        vectorApiUrl: 'http://vector.observability.svc:8686',
        kubeconfigPath: '/srv/backend/kube/config',
        context: 'mgmt',
      },
    ]);
  });

  it.each([
    [
      [{ type: 'vector-directory', configMap: { name: 'x', namespace: 'y' } }],
      'gitops.repositories[0].sync.targets[0].configMap: is not a setting of a vector-directory target (allowed: type, name, root, vectorApiUrl)',
    ],
    [
      [{ type: 'vector-configmap' }],
      "gitops.repositories[0].sync.targets[0].configMap: is required: the { name, namespace } of the ConfigMap listed in the Vector Helm chart's existingConfigMaps",
    ],
    [
      [
        {
          type: 'vector-configmap',
          configMap: { name: '../etc', namespace: 'observability' },
        },
      ],
      "gitops.repositories[0].sync.targets[0].configMap.name: '../etc' must be a DNS-1123 subdomain",
    ],
    [
      [
        {
          type: 'vector-configmap',
          configMap: { name: 'v', namespace: 'o' },
          connection: 'nope',
        },
      ],
      "gitops.repositories[0].sync.targets[0].connection: 'nope' is not a kubernetes target of this repository",
    ],
    [
      [
        {
          type: 'vector-directory',
          vectorApiUrl: 'http://admin:secret@vector:8686',
        },
      ],
      "gitops.repositories[0].sync.targets[0].vectorApiUrl: 'http://admin:secret@vector:8686' must be an http(s) URL of Vector's API without credentials, e.g. http://127.0.0.1:8686",
    ],
    [
      [{ type: 'vector' }],
      'gitops.repositories[0].sync.targets[0].type: must be directory|kubernetes|vector-directory|vector-configmap',
    ],
  ])('refuses %j naming the key', (targets, message) => {
    expect(() => read(targets)).toThrow(message);
  });

  it("creates the targets, and gives them the repository's Pipelines rendered for Vector", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vector-sync-'));
    try {
      const kubeconfigPath = path.join(dir, 'kubeconfig');
      fs.writeFileSync(
        kubeconfigPath,
        `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'http://127.0.0.1:1' } }]
users: [{ name: u, user: {} }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`,
      );
      const [directory, configMap] = read([
        { type: 'vector-directory', root: dir },
        {
          type: 'vector-configmap',
          configMap: { name: 'vector-pipelines', namespace: 'observability' },
          kubeconfigPath,
        },
      ]);
      expect(
        createSyncTarget(directory, 'platform-vector-directory'),
      ).toBeInstanceOf(VectorDirectoryTarget);
      const target = createSyncTarget(configMap, 'platform-vector-configmap');
      expect(target).toBeInstanceOf(VectorConfigMapTarget);
      expect(target.name).toBe('platform-vector-configmap');

      const delivery = vectorDelivery(directory, ['Workspace', 'Pipeline']);
      expect(delivery.kinds).toEqual(['Pipeline']);
      expect(typeof delivery.render).toBe('function');
      expect(vectorDelivery(directory, ['Workspace']).kinds).toEqual([]);
      expect(
        vectorDelivery({ type: 'directory' }, ['Workspace', 'Pipeline']),
      ).toEqual({});
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
