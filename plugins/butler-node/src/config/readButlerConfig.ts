/*
 * `butler.managementCluster`: where the live workspaces are. Read once at start, in the style of
 * Backstage's readProviderConfigs; every mistake names its key. Absent means "not configured":
 * the embedded default has no cluster, and the plugin then answers 503 with a reason.
 */
import path from 'path';
import type { Config } from '@backstage/config';
import type { KubeConfigSource } from '@butler-portal/kube-node';

export interface ButlerConfig {
  /** undefined when `butler.managementCluster` is not set */
  managementCluster?: KubeConfigSource;
}

/** A mistake in the `butler` configuration, naming the key. */
export class ButlerConfigError extends Error {
  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = 'ButlerConfigError';
  }
}

const KEY = 'butler.managementCluster';
const CLUSTER_KEYS = ['kubeconfigPath', 'context', 'inCluster'];

/**
 * @param options.workingDirectory - what a relative kubeconfigPath resolves against (default the process's)
 * @throws ButlerConfigError naming the offending key
 */
export function readButlerConfig(
  config: Config,
  options: { workingDirectory?: string } = {},
): ButlerConfig {
  if (!config.has(KEY)) return {};
  const cluster = config.getConfig(KEY);
  for (const k of cluster.keys()) {
    if (!CLUSTER_KEYS.includes(k)) {
      throw new ButlerConfigError(
        `${KEY}.${k}`,
        `is not a setting of the management cluster (allowed: ${CLUSTER_KEYS.join(
          ', ',
        )})`,
      );
    }
  }
  const read = <T>(key: string, get: () => T | undefined): T | undefined => {
    try {
      return get();
    } catch (error) {
      throw new ButlerConfigError(`${KEY}.${key}`, (error as Error).message);
    }
  };
  const kubeconfigPath = read('kubeconfigPath', () =>
    cluster.getOptionalString('kubeconfigPath'),
  );
  const context = read('context', () => cluster.getOptionalString('context'));
  const inCluster = read('inCluster', () =>
    cluster.getOptionalBoolean('inCluster'),
  );
  if (inCluster && kubeconfigPath) {
    throw new ButlerConfigError(
      `${KEY}.inCluster`,
      'cannot be combined with kubeconfigPath; choose one',
    );
  }
  if (kubeconfigPath !== undefined && kubeconfigPath.trim() === '') {
    throw new ButlerConfigError(
      `${KEY}.kubeconfigPath`,
      'must not be empty (leave it out for the default kubeconfig)',
    );
  }
  return {
    managementCluster: {
      ...(kubeconfigPath && {
        kubeconfigPath: path.resolve(
          options.workingDirectory ?? process.cwd(),
          kubeconfigPath,
        ),
      }),
      ...(context !== undefined && { context }),
      ...(inCluster !== undefined && { inCluster }),
    },
  };
}
