/*
 * Herald's delivery targets in the `sync:` section of a repository: `vector-directory` (a Vector
 * config directory, one file per pipeline) and `vector-configmap` (one ConfigMap for the Vector
 * Helm chart's `existingConfigMaps`). They receive Pipelines only, rendered by the Vector render
 * step; the Butler kinds keep going to the `directory` and `kubernetes` targets. Kept apart from
 * readSyncConfig/SyncTasks so that those only dispatch here.
 */
import path from 'path';
import type { Config } from '@backstage/config';
import type { KindName, RepoLayout } from '@butler-portal/plugin-gitops-common';
import type { KubeConfigSource } from '@butler-portal/kube-node';
import { GitopsConfigError } from '@butler-portal/plugin-gitops-node';
import {
  VECTOR_KINDS,
  VectorConfigMapTarget,
  VectorDirectoryTarget,
  vectorRenderStep,
  type RenderStep,
  type SyncTarget,
} from '@butler-portal/plugin-reconciler-node';
import { KUBE_CONNECTION_KEYS, readKubeConnection } from './kubeConnection';

export type VectorTargetConfig =
  | {
      type: 'vector-directory';
      name: string;
      root: string;
      vectorApiUrl?: string;
    }
  | ({
      type: 'vector-configmap';
      name: string;
      configMap: { name: string; namespace: string };
      vectorApiUrl?: string;
      /** name of a `kubernetes` target of the same repository whose connection is used */
      connection?: string;
    } & KubeConfigSource);

export const VECTOR_TARGET_TYPES = [
  'vector-directory',
  'vector-configmap',
] as const;

export const VECTOR_TARGET_KEYS: Record<VectorTargetConfig['type'], string[]> =
  {
    'vector-directory': ['type', 'name', 'root', 'vectorApiUrl'],
    'vector-configmap': [
      'type',
      'name',
      'configMap',
      'vectorApiUrl',
      'connection',
      ...KUBE_CONNECTION_KEYS,
    ],
  };

export function isVectorTargetType(
  type: string,
): type is VectorTargetConfig['type'] {
  return (VECTOR_TARGET_TYPES as readonly string[]).includes(type);
}

/** The settings of a Vector target (its keys already checked against VECTOR_TARGET_KEYS). */
export function readVectorTarget(
  target: Config,
  key: string,
  type: VectorTargetConfig['type'],
  name: string,
  dirs: { cwd: string; dataDir: string; repository: string },
): VectorTargetConfig {
  const vectorApiUrl = target.getOptionalString('vectorApiUrl');
  if (vectorApiUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(vectorApiUrl);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      !['http:', 'https:'].includes(url.protocol) ||
      url.username ||
      url.password
    ) {
      throw new GitopsConfigError(
        `${key}.vectorApiUrl`,
        `'${vectorApiUrl}' must be an http(s) URL of Vector's API without credentials, e.g. http://127.0.0.1:8686`,
      );
    }
  }
  const api = vectorApiUrl !== undefined ? { vectorApiUrl } : {};
  if (type === 'vector-directory') {
    const root = target.getOptionalString('root');
    return {
      type,
      name,
      root: root
        ? path.resolve(dirs.cwd, root)
        : path.join(dirs.dataDir, 'vector', dirs.repository),
      ...api,
    };
  }
  const configMap = target.getOptionalConfig('configMap');
  if (!configMap) {
    throw new GitopsConfigError(
      `${key}.configMap`,
      "is required: the { name, namespace } of the ConfigMap listed in the Vector Helm chart's existingConfigMaps",
    );
  }
  for (const k of configMap.keys()) {
    if (k !== 'name' && k !== 'namespace') {
      throw new GitopsConfigError(
        `${key}.configMap.${k}`,
        'is not a setting (allowed: name, namespace)',
      );
    }
  }
  const cmName = configMap.getString('name');
  const cmNamespace = configMap.getString('namespace');
  if (
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(
      cmName,
    ) ||
    cmName.length > 253
  ) {
    throw new GitopsConfigError(
      `${key}.configMap.name`,
      `'${cmName}' must be a DNS-1123 subdomain`,
    );
  }
  if (
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(cmNamespace) ||
    cmNamespace.length > 63
  ) {
    throw new GitopsConfigError(
      `${key}.configMap.namespace`,
      `'${cmNamespace}' must be a DNS-1123 label`,
    );
  }
  const connection = target.getOptionalString('connection');
  if (connection && KUBE_CONNECTION_KEYS.some(k => target.has(k))) {
    throw new GitopsConfigError(
      `${key}.connection`,
      'takes the connection of that kubernetes target; do not also set kubeconfigPath, context or inCluster',
    );
  }
  return {
    type,
    name,
    configMap: { name: cmName, namespace: cmNamespace },
    ...api,
    ...(connection && { connection }),
    ...readKubeConnection(target, key, dirs.cwd),
  };
}

/**
 * `connection: <name>` of a vector-configmap target becomes that kubernetes target's
 * kubeconfigPath/context/inCluster; an unknown name is refused.
 */
export function resolveVectorConnections<
  T extends { type: string; name: string } & KubeConfigSource,
>(targets: T[], key: string): T[] {
  return targets.map((target, i) => {
    const connection = (target as { connection?: string }).connection;
    if (target.type !== 'vector-configmap' || !connection) return target;
    const cluster = targets.find(
      t => t.type === 'kubernetes' && t.name === connection,
    );
    if (!cluster) {
      throw new GitopsConfigError(
        `${key}.targets[${i}].connection`,
        `'${connection}' is not a kubernetes target of this repository`,
      );
    }
    const { connection: _connection, ...rest } = target as T & {
      connection?: string;
    };
    return {
      ...rest,
      ...(cluster.kubeconfigPath && { kubeconfigPath: cluster.kubeconfigPath }),
      ...(cluster.context && { context: cluster.context }),
      ...(cluster.inCluster !== undefined && { inCluster: cluster.inCluster }),
    } as T;
  });
}

/** The target of a Vector target config; undefined for any other type. */
export function createVectorSyncTarget(
  config: { type: string },
  storeName: string,
): SyncTarget | undefined {
  if (config.type === 'vector-directory') {
    const { root, vectorApiUrl } = config as Extract<
      VectorTargetConfig,
      { type: 'vector-directory' }
    >;
    return new VectorDirectoryTarget({ root, vectorApiUrl, name: storeName });
  }
  if (config.type === 'vector-configmap') {
    const {
      type: _t,
      name: _n,
      connection: _c,
      ...rest
    } = config as Extract<VectorTargetConfig, { type: 'vector-configmap' }>;
    return VectorConfigMapTarget.fromConfig({ ...rest, name: storeName });
  }
  return undefined;
}

/**
 * What a Vector target syncs: the repository's Pipelines, rendered for Vector. Empty for any
 * other target type (those keep their defaults).
 */
export function vectorDelivery(
  config: { type: string },
  repositoryKinds: readonly string[],
  layout?: RepoLayout,
): { kinds?: readonly KindName[]; render?: RenderStep } {
  if (!isVectorTargetType(config.type)) return {};
  return {
    kinds: VECTOR_KINDS.filter(k => repositoryKinds.includes(k)),
    render: vectorRenderStep({ layout }),
  };
}
