/*
 * The terminal backend plugin (id `terminal`): a WebSocket terminal into a workspace's pod or a
 * pod of a tenant cluster.
 * A plugin of its own rather than routes in butler-backend: it is the one place that accepts an
 * unauthenticated upgrade (authenticated by a ticket instead), owns long-lived sessions and
 * processes, and needs `ws`; keeping it apart keeps that exception out of butler's routes.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { loadKubeConfig } from '@butler-portal/kube-node';
import {
  butlerClusterTerminalPermissions,
  butlerTerminalPermissions,
} from '@butler-portal/plugin-butler-common';
import { readTerminalConfig } from './config';
import { createRouter } from './router/createRouter';
import { TerminalTargets } from './target/TerminalTargets';
import { migrateTerminalDatabase, TicketStore } from './tickets/TicketStore';

const NOT_CONFIGURED =
  'no management cluster is configured (butler.managementCluster): there are no workspace or tenant cluster pods to open a terminal into';

export const terminalPlugin = createBackendPlugin({
  pluginId: 'terminal',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        database: coreServices.database,
      },
      async init(deps) {
        const config = readTerminalConfig(deps.config);
        deps.permissionsRegistry.addPermissions([
          ...butlerTerminalPermissions,
          ...butlerClusterTerminalPermissions,
        ]);
        let targets: TerminalTargets | undefined;
        let reason = NOT_CONFIGURED;
        if (config.managementCluster) {
          try {
            targets = new TerminalTargets(
              loadKubeConfig(config.managementCluster),
            );
          } catch (e) {
            reason = `butler.managementCluster: ${(e as Error).message}`;
            deps.logger.error(reason);
          }
        }
        // the upgrade carries a ticket instead of a Backstage token (see createRouter)
        deps.httpRouter.addAuthPolicy({
          path: '/connect',
          allow: 'unauthenticated',
        });
        deps.httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            auth: deps.auth,
            permissions: deps.permissions,
            auditor: deps.auditor,
            logger: deps.logger,
            // in the database: the upgrade may reach another replica than the ticket request
            tickets: new TicketStore(
              await migrateTerminalDatabase(deps.database),
              { ttlMs: config.ticketTtlMs },
            ),
            targets,
            notConfiguredReason: reason,
            appOrigin: config.appOrigin,
            limits: config.limits,
            command: config.command,
            container: config.container,
          }),
        );
      },
    });
  },
});
