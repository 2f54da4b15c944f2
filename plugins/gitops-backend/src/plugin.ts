/*
 * The gitops backend plugin: Git providers for the configured repositories, the change-request
 * service and its REST API, Git smart HTTP for local repositories, webhooks, the reconciler's
 * sync tasks (src/sync) and /sync, and Git events on
 * the events service (topic `butler.gitops`).
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { ScmIntegrations } from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  boundedArchiveFetch,
  ChangeService,
  gitopsProvidersExtensionPoint,
  gitProvidersServiceRef,
  readGitopsConfig,
  type GitProviderFactory,
} from '@butler-portal/plugin-gitops-node';
import { DatabaseReconcilerStore } from '@butler-portal/plugin-reconciler-node';
import { publishGitEvent } from './events/gitEvents';
import { CatalogDirectory } from './identity/catalogDirectory';
import {
  DatabaseIdempotencyStore,
  migrateGitopsDatabase,
} from './idempotency/DatabaseIdempotencyStore';
import { ConfiguredRepositories } from './repositories/ConfiguredRepositories';
import { ResourceReader } from './resources/ResourceReader';
import { registerGitopsResourceType } from './access/resourceType';
import { createRouter } from './router/createRouter';
import { readSyncConfig } from './sync/readSyncConfig';
import { SyncTasks } from './sync/SyncTasks';

/** Idempotency keys are kept a day: a retry comes within minutes. */
const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 60 * 60 * 1000;

export const gitopsPlugin = createBackendPlugin({
  pluginId: 'gitops',
  register(env) {
    // provider modules (local, GitHub, GitLab) register their provider types here
    const providerFactories: GitProviderFactory<any>[] = [];
    env.registerExtensionPoint(gitopsProvidersExtensionPoint, {
      addProviderFactory(factory) {
        providerFactories.push(factory);
      },
    });
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        discovery: coreServices.discovery,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        gitProviders: gitProvidersServiceRef,
      },
      async init(deps) {
        const { rootConfig, logger, events, gitProviders } = deps;
        const gitopsConfig = readGitopsConfig(rootConfig);
        await gitProviders.initialize(providerFactories);
        const repositories = new ConfiguredRepositories(
          gitProviders,
          gitopsConfig,
          ScmIntegrations.fromConfig(rootConfig),
        );
        const directory = new CatalogDirectory(deps.catalog, deps.auth);
        // CODEOWNERS groups of local repositories are catalog groups
        gitProviders.useOwnerDirectory(directory);

        const knex = await migrateGitopsDatabase(deps.database);
        const idempotency = new DatabaseIdempotencyStore(knex);
        await deps.scheduler.scheduleTask({
          id: 'gitops-idempotency-keys-cleanup',
          frequency: { hours: 1 },
          timeout: { minutes: 5 },
          scope: 'global',
          fn: async () => {
            const removed = await idempotency.deleteExpired(
              IDEMPOTENCY_KEY_RETENTION_MS,
            );
            if (removed > 0)
              logger.debug(`removed ${removed} expired idempotency keys`);
          },
        });

        const changes = new ChangeService({
          repositories: gitProviders.list(),
          idempotency,
          logger,
          // Keeper's digest rule: a chart archive a version pins is fetched (http(s), bounded)
          fetchArchive: boundedArchiveFetch(),
        });
        // the local providers' own events (portal writes, merges, git pushes) go out on the
        // events service like verified webhooks do
        gitProviders.onEvent(event => {
          void publishGitEvent(events, event, logger);
          if (event.type === 'change' && event.action === 'updated') {
            // a branch moved by `git push`: its files are validated again as a check
            void changes.recordValidation(
              event.repository,
              Number(event.changeId),
            );
          }
        });
        // the gitops and pipeline permissions, on the gitops-resource type (usePermission with
        // `<repository>:<path>` is answered here)
        const resources = new ResourceReader(() => gitProviders.list());
        registerGitopsResourceType(deps.permissionsRegistry, resources);

        // the reconciler: merged state of each repository to its sync targets
        const sync = await SyncTasks.start({
          config: readSyncConfig(rootConfig),
          repositories: gitProviders.list(),
          store: await DatabaseReconcilerStore.create(knex),
          scheduler: deps.scheduler,
          lifecycle: deps.lifecycle,
          events,
          logger,
        });

        deps.httpRouter.use(
          await createRouter({
            changes,
            repositories,
            gitProviders,
            resources,
            sync,
            directory,
            httpAuth: deps.httpAuth,
            userInfo: deps.userInfo,
            auth: deps.auth,
            permissions: deps.permissions,
            events,
            discovery: deps.discovery,
            logger,
          }),
        );
        deps.httpRouter.addAuthPolicy({
          path: '/schemas',
          allow: 'unauthenticated',
        });
        // the butler-gitops CLI for PR checks: `curl $PORTAL/api/gitops/cli/butler-gitops.mjs`
        deps.httpRouter.addAuthPolicy({ path: '/cli', allow: 'unauthenticated' });
        deps.httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });

        logger.info(
          `GitOps repositories: ${
            repositories
              .list()
              .map(r => `${r.id} (${r.provider.type})`)
              .join(', ') || 'none configured'
          }`,
        );
      },
    });
  },
});
