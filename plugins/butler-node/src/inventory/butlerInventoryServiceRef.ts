/*
 * The inventory as a root service: one set of informers per backend process, whichever plugins
 * and modules ask for it (the butler plugin's routes, the catalog module). Watching starts with
 * the backend (not awaited: a slow or hanging cluster must not hold up the start) and stops on
 * shutdown.
 */
import {
  coreServices,
  createServiceFactory,
  createServiceRef,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { loadKubeConfig } from '@butler-portal/kube-node';
import { readButlerConfig } from '../config/readButlerConfig';
import {
  ClusterInventory,
  NOT_CONFIGURED_REASON,
  UnavailableInventory,
  type ButlerInventory,
} from './ButlerInventory';

/** Builds the inventory the configuration asks for; a bad kubeconfig is a reason, not a crash. */
export function createButlerInventory(
  config: Config,
  logger: LoggerService,
): ButlerInventory {
  const { managementCluster } = readButlerConfig(config);
  if (!managementCluster) {
    logger.info(NOT_CONFIGURED_REASON);
    return new UnavailableInventory(false, NOT_CONFIGURED_REASON);
  }
  try {
    return new ClusterInventory({
      kubeConfig: loadKubeConfig(managementCluster),
      logger,
      // an unreachable cluster is reported within this time, not after 30 s
      requestTimeoutMs: 10_000,
    });
  } catch (error) {
    const reason = `butler.managementCluster: ${(
      error as Error
    ).message.replace(/^kubernetes target: /, '')}`;
    logger.error(reason);
    return new UnavailableInventory(true, reason);
  }
}

export const butlerInventoryServiceRef = createServiceRef<ButlerInventory>({
  id: 'butler.inventory',
  scope: 'root',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.rootLogger,
        lifecycle: coreServices.rootLifecycle,
      },
      factory({ config, logger, lifecycle }) {
        const inventory = createButlerInventory(
          config,
          logger.child({ service: 'butler-inventory' }),
        );
        lifecycle.addStartupHook(() => {
          void inventory.start();
        });
        lifecycle.addShutdownHook(() => inventory.stop());
        return inventory;
      },
    }),
});
