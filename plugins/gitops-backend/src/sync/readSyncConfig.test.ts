import path from 'path';
import { ConfigReader } from '@backstage/config';
import { readSyncConfig } from './readSyncConfig';

const read = (sync: unknown, extra: object = {}) =>
  readSyncConfig(
    new ConfigReader({
      butlerPortal: { dataDir: '/data' },
      gitops: {
        repositories: [
          { id: 'platform', provider: 'local', ...(sync ? { sync } : {}) },
          { id: 'other', provider: 'local' },
        ],
      },
      ...extra,
    }),
    { workingDirectory: '/srv/backend' },
  );

describe('readSyncConfig', () => {
  it('reads targets with their defaults; repositories without sync are not synced', () => {
    expect(
      read({
        targets: [
          { type: 'directory' },
          { type: 'directory', name: 'copy', root: 'out' },
          {
            type: 'kubernetes',
            kubeconfigPath: 'kube/config',
            context: 'mgmt',
          },
        ],
        maxDeletionsPerSync: 3,
        selfHeal: false,
        pollInterval: { seconds: 5 },
        driftInterval: { minutes: 2 },
      }),
    ).toEqual([
      {
        repository: 'platform',
        targets: [
          {
            type: 'directory',
            name: 'directory',
            root: path.join('/data', 'manifests', 'platform'),
          },
          { type: 'directory', name: 'copy', root: '/srv/backend/out' },
          {
            type: 'kubernetes',
            name: 'kubernetes',
            kubeconfigPath: '/srv/backend/kube/config',
            context: 'mgmt',
          },
        ],
        maxDeletionsPerSync: 3,
        selfHeal: false,
        pollInterval: { seconds: 5 },
        driftIntervalMs: 120_000,
      },
    ]);
    expect(read(undefined)).toEqual([]);
    expect(
      read({ targets: [{ type: 'kubernetes', inCluster: true }] }),
    ).toEqual([
      expect.objectContaining({
        targets: [{ type: 'kubernetes', name: 'kubernetes', inCluster: true }],
        pollInterval: { seconds: 30 },
        driftIntervalMs: 300_000,
      }),
    ]);
  });

  it('names the key of each mistake', () => {
    expect(() => read({ targets: [{ type: 'ftp' }] })).toThrow(
      'gitops.repositories[0].sync.targets[0].type: must be directory|kubernetes',
    );
    expect(() =>
      read({ targets: [{ type: 'directory', context: 'x' }] }),
    ).toThrow(
      'gitops.repositories[0].sync.targets[0].context: is not a setting of a directory target',
    );
    expect(() =>
      read({ targets: [{ type: 'directory' }, { type: 'directory' }] }),
    ).toThrow(
      "gitops.repositories[0].sync.targets[1].name: 'directory' is used by an earlier target",
    );
    expect(() =>
      read({ targets: [{ type: 'directory', name: '../x' }] }),
    ).toThrow(
      "gitops.repositories[0].sync.targets[0].name: '../x' must be a DNS-1123 label",
    );
    expect(() => read({ maxDeletionsPerSync: -1 })).toThrow(
      'gitops.repositories[0].sync.maxDeletionsPerSync: must be a whole number of at least 0',
    );
    expect(() => read({ pollIntervall: { seconds: 1 } })).toThrow(
      'gitops.repositories[0].sync.pollIntervall: is not a sync setting',
    );
    expect(() => read({ pollInterval: { fortnights: 1 } })).toThrow(
      'gitops.repositories[0].sync.pollInterval: must be a duration',
    );
    expect(() => read({ driftInterval: 'soon' })).toThrow(
      'gitops.repositories[0].sync.driftInterval: must be a duration',
    );
    expect(() =>
      read({
        targets: [{ type: 'kubernetes', inCluster: true, kubeconfigPath: 'k' }],
      }),
    ).toThrow(
      'gitops.repositories[0].sync.targets[0].inCluster: cannot be combined',
    );
  });
});
