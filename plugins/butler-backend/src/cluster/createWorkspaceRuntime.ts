/*
 * The runtime the configuration asks for: none configured, a kubeconfig that cannot be
 * loaded (reported in ClusterStatus rather than stopping the whole portal), or the cluster.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import { loadKubeConfig } from '@butler-portal/kube-node';
import type { ButlerConfig } from '@butler-portal/plugin-butler-node';
import { ManagementCluster } from './ManagementCluster';
import {
  NOT_CONFIGURED_REASON,
  UnavailableCluster,
  type WorkspaceRuntime,
} from './WorkspaceRuntime';

export function createWorkspaceRuntime(
  config: ButlerConfig,
  logger: LoggerService,
): WorkspaceRuntime {
  if (!config.managementCluster) {
    logger.info(NOT_CONFIGURED_REASON);
    return new UnavailableCluster(false, NOT_CONFIGURED_REASON);
  }
  let kubeConfig;
  try {
    kubeConfig = loadKubeConfig(config.managementCluster);
  } catch (error) {
    // loadKubeConfig speaks for the gitops targets; here the setting is butler.managementCluster
    const reason = `butler.managementCluster: ${(
      error as Error
    ).message.replace(/^kubernetes target: /, '')}`;
    logger.error(reason);
    return new UnavailableCluster(true, reason);
  }
  return new ManagementCluster({ kubeConfig, logger });
}
