/*
 * The connection settings of a target that talks to a cluster (`kubernetes`, and
 * `vector-configmap` when it does not borrow a kubernetes target's): a kubeconfig file, one of
 * its contexts, or the pod's service account. One reading for both, so both say the same.
 */
import path from 'path';
import type { Config } from '@backstage/config';
import type { KubeConfigSource } from '@butler-portal/kube-node';
import { GitopsConfigError } from '@butler-portal/plugin-gitops-node';

/** the settings read by {@link readKubeConnection} */
export const KUBE_CONNECTION_KEYS = ['kubeconfigPath', 'context', 'inCluster'];

/**
 * kubeconfigPath (resolved against `cwd`), context and inCluster as set; only the keys set are
 * in the result.
 *
 * @throws GitopsConfigError when inCluster is combined with kubeconfigPath
 */
export function readKubeConnection(
  target: Config,
  key: string,
  cwd: string,
): KubeConfigSource {
  const inCluster = target.getOptionalBoolean('inCluster');
  const kubeconfigPath = target.getOptionalString('kubeconfigPath');
  if (inCluster && kubeconfigPath) {
    throw new GitopsConfigError(
      `${key}.inCluster`,
      'cannot be combined with kubeconfigPath; choose one',
    );
  }
  return {
    ...(kubeconfigPath && {
      kubeconfigPath: path.resolve(cwd, kubeconfigPath),
    }),
    ...(target.has('context') && { context: target.getString('context') }),
    ...(inCluster !== undefined && { inCluster }),
  };
}
