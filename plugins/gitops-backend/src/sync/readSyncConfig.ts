/*
 * The `sync:` part of each `gitops.repositories[]` entry: where the reconciler applies the merged
 * state of that repository. Read once at start; every mistake names its key, like
 * readGitopsConfig does for the rest of the entry.
 */
import path from 'path';
import { readDurationFromConfig, type Config } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { GitopsConfigError } from '@butler-portal/plugin-gitops-node';
import { type KubeConfigSource } from '@butler-portal/kube-node';
import { KUBE_CONNECTION_KEYS, readKubeConnection } from './kubeConnection';
import {
  VECTOR_TARGET_KEYS,
  isVectorTargetType,
  readVectorTarget,
  resolveVectorConnections,
  type VectorTargetConfig,
} from './vectorTargets';

export type SyncTargetConfig =
  | { type: 'directory'; name: string; root: string }
  | ({ type: 'kubernetes'; name: string } & KubeConfigSource)
  | VectorTargetConfig;

export interface RepositorySyncConfig {
  /** `gitops.repositories[].id` */
  repository: string;
  targets: SyncTargetConfig[];
  maxDeletionsPerSync?: number;
  selfHeal?: boolean;
  pollInterval: SchedulerServiceTaskScheduleDefinition['frequency'];
  /** how often a poll at an unchanged commit still compares the whole tree with the target */
  driftIntervalMs: number;
}

const DEFAULT_DATA_DIR = '../../.data';
const DEFAULT_POLL_INTERVAL = { seconds: 30 };
const DEFAULT_DRIFT_INTERVAL_MS = 5 * 60 * 1000;
const TARGET_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SYNC_KEYS = [
  'targets',
  'maxDeletionsPerSync',
  'selfHeal',
  'pollInterval',
  'driftInterval',
];
const TARGET_KEYS: Record<SyncTargetConfig['type'], string[]> = {
  directory: ['type', 'name', 'root'],
  kubernetes: ['type', 'name', ...KUBE_CONNECTION_KEYS],
  ...VECTOR_TARGET_KEYS,
};

/**
 * The sync settings of every repository that has a `sync` section (others are not synced).
 *
 * @param options.workingDirectory - what relative paths resolve against (default the process's)
 * @throws GitopsConfigError naming the offending key
 */
export function readSyncConfig(
  config: Config,
  options: { workingDirectory?: string } = {},
): RepositorySyncConfig[] {
  const cwd = options.workingDirectory ?? process.cwd();
  const dataDir = path.resolve(
    cwd,
    config.getOptionalString('butlerPortal.dataDir') ?? DEFAULT_DATA_DIR,
  );
  const result: RepositorySyncConfig[] = [];
  (config.getOptionalConfigArray('gitops.repositories') ?? []).forEach(
    (entry, index) => {
      const sync = entry.getOptionalConfig('sync');
      if (!sync) return;
      const key = `gitops.repositories[${index}].sync`;
      const repository = entry.getString('id');
      for (const k of sync.keys()) {
        if (!SYNC_KEYS.includes(k)) {
          throw new GitopsConfigError(
            `${key}.${k}`,
            `is not a sync setting (allowed: ${SYNC_KEYS.join(', ')})`,
          );
        }
      }
      const targets = resolveVectorConnections(
        (sync.getOptionalConfigArray('targets') ?? []).map((target, i) =>
          readTarget(target, `${key}.targets[${i}]`, {
            cwd,
            defaultRoot: path.join(dataDir, 'manifests', repository),
            dataDir,
            repository,
          }),
        ),
        key,
      );
      const names = new Set<string>();
      targets.forEach((target, i) => {
        if (names.has(target.name)) {
          throw new GitopsConfigError(
            `${key}.targets[${i}].name`,
            `'${target.name}' is used by an earlier target of this repository; give each target its own name`,
          );
        }
        names.add(target.name);
      });

      const maxDeletionsPerSync = sync.getOptionalNumber('maxDeletionsPerSync');
      if (
        maxDeletionsPerSync !== undefined &&
        (!Number.isInteger(maxDeletionsPerSync) || maxDeletionsPerSync < 0)
      ) {
        throw new GitopsConfigError(
          `${key}.maxDeletionsPerSync`,
          'must be a whole number of at least 0',
        );
      }
      let pollInterval: RepositorySyncConfig['pollInterval'] =
        DEFAULT_POLL_INTERVAL;
      if (sync.has('pollInterval')) {
        try {
          pollInterval = readDurationFromConfig(sync, { key: 'pollInterval' });
        } catch (error) {
          throw new GitopsConfigError(
            `${key}.pollInterval`,
            `must be a duration such as { seconds: 30 } (${error})`,
          );
        }
      }
      let driftIntervalMs = DEFAULT_DRIFT_INTERVAL_MS;
      if (sync.has('driftInterval')) {
        try {
          driftIntervalMs = durationToMilliseconds(
            readDurationFromConfig(sync, { key: 'driftInterval' }),
          );
        } catch (error) {
          throw new GitopsConfigError(
            `${key}.driftInterval`,
            `must be a duration such as { minutes: 5 } (${error})`,
          );
        }
      }
      result.push({
        repository,
        targets,
        pollInterval,
        driftIntervalMs,
        ...(maxDeletionsPerSync !== undefined && { maxDeletionsPerSync }),
        ...(sync.has('selfHeal') && {
          selfHeal: sync.getBoolean('selfHeal'),
        }),
      });
    },
  );
  return result;
}

function readTarget(
  target: Config,
  key: string,
  dirs: {
    cwd: string;
    defaultRoot: string;
    dataDir: string;
    repository: string;
  },
): SyncTargetConfig {
  const type = target.getString('type');
  if (
    type !== 'directory' &&
    type !== 'kubernetes' &&
    !isVectorTargetType(type)
  ) {
    throw new GitopsConfigError(
      `${key}.type`,
      'must be directory|kubernetes|vector-directory|vector-configmap',
    );
  }
  for (const k of target.keys()) {
    if (!TARGET_KEYS[type].includes(k)) {
      throw new GitopsConfigError(
        `${key}.${k}`,
        `is not a setting of a ${type} target (allowed: ${TARGET_KEYS[
          type
        ].join(', ')})`,
      );
    }
  }
  const name = target.getOptionalString('name') ?? type;
  if (!TARGET_NAME.test(name) || name.length > 63) {
    throw new GitopsConfigError(
      `${key}.name`,
      `'${name}' must be a DNS-1123 label`,
    );
  }
  if (isVectorTargetType(type)) {
    return readVectorTarget(target, key, type, name, dirs);
  }
  if (type === 'directory') {
    const root = target.getOptionalString('root');
    return {
      type,
      name,
      root: root ? path.resolve(dirs.cwd, root) : dirs.defaultRoot,
    };
  }
  return { type, name, ...readKubeConnection(target, key, dirs.cwd) };
}
