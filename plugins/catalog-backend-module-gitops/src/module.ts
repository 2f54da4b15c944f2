/*
 * The catalog module: the portal's kinds (processor) and one entity provider per configured
 * GitOps repository, synced on push and change events and polled as a fallback. The local
 * provider's events reach it like webhooks do: the gitops backend publishes them on the
 * `butler.gitops` topic, so every backend instance can react, not only the one that merged.
 */
import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { gitProvidersServiceRef } from '@butler-portal/plugin-gitops-node';
import {
  SYNC_TOPICS,
  type SyncTrigger,
  syncTriggerOfEvent,
} from './events/syncTriggerOfEvent';
import { enableSqliteWriteAheadLog } from './database/sqliteWriteAheadLog';
import { GitOpsEntityProcessor } from './processor/GitOpsEntityProcessor';
import { CatalogArtifactVersions } from './processor/artifactDependencies';
import { UserByEmailResolver } from './processor/UserByEmailResolver';
import { ValidatedResources } from './processor/ValidatedResources';
import { GitOpsEntityProvider } from './provider/GitOpsEntityProvider';
import { readProviderConfig } from './provider/readProviderConfig';

export const catalogModuleGitOps = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'gitops',
  register(env) {
    env.registerInit({
      deps: {
        catalogProcessing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        config: coreServices.rootConfig,
        database: coreServices.database,
        logger: coreServices.logger,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        events: eventsServiceRef,
        gitProviders: gitProvidersServiceRef,
      },
      async init({
        catalogProcessing,
        catalog,
        config,
        database,
        logger,
        auth,
        scheduler,
        events,
        gitProviders,
      }) {
        const providerConfig = readProviderConfig(config);
        // the catalog's own database (this module belongs to the catalog plugin); on the
        // embedded SQLite default a full ingest is bound by disk syncs otherwise
        if (await enableSqliteWriteAheadLog(await database.getClient())) {
          logger.info(
            'catalog SQLite database in write-ahead-log mode (synchronous=NORMAL)',
          );
        }
        // the gitops backend plugin creates the providers with the registered provider modules
        await gitProviders.ready();

        const users = new UserByEmailResolver({ catalog, auth, logger });
        // what the providers hand over was validated blob by blob; not validated again
        const validated = new ValidatedResources();
        catalogProcessing.addProcessor(
          new GitOpsEntityProcessor({
            emailToUserRef: email => users.userRefByEmail(email),
            validated,
            artifactVersions: new CatalogArtifactVersions({ catalog, auth })
              .versionsOf,
          }),
        );

        const providers = gitProviders.list().map(
          repository =>
            new GitOpsEntityProvider({
              repository,
              logger,
              appBaseUrl: providerConfig.appBaseUrl,
              schedule: scheduler.createScheduledTaskRunner(
                providerConfig.schedule,
              ),
              openChangesRefreshMs: providerConfig.openChangesRefreshMs,
              validated,
            }),
        );
        catalogProcessing.addEntityProvider(providers);

        // not awaited: whoever published the event must not wait for the catalog
        const trigger = ({ target, request }: SyncTrigger) => {
          for (const provider of providers) {
            const matches =
              'repository' in target
                ? provider.repositoryId === target.repository
                : provider.providerType === target.providerType;
            if (!matches) continue;
            provider
              .sync(request)
              .catch(error =>
                logger.warn(
                  `${provider.getProviderName()}: sync after an event failed: ${error}`,
                ),
              );
          }
        };
        await events.subscribe({
          id: 'gitops-entity-provider',
          topics: [...SYNC_TOPICS],
          onEvent: async params => {
            const syncTrigger = syncTriggerOfEvent(params);
            if (syncTrigger) trigger(syncTrigger);
          },
        });
      },
    });
  },
});
