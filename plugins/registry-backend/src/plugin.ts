/*
 * Keeper's backend plugin (`registry`, /api/registry): the Terraform/OpenTofu module registry
 * protocol, Helm chart repositories and OPA bundles, served from the merged Artifact and
 * ArtifactVersion records of the portal's GitOps repositories; registry tokens.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  GITOPS_EVENTS_TOPIC,
  gitProvidersServiceRef,
} from '@butler-portal/plugin-gitops-node';
import { registryPermissions } from '@butler-portal/plugin-registry-common';
import { readRegistryConfig } from './config';
import { createRouter, PROTOCOL_PATHS } from './createRouter';
import { GitMergedRecords } from './records/GitMergedRecords';
import { OpenVersions } from './records/OpenVersions';
import { Registry } from './Registry';
import { GitSourceReader } from './sources/SourceReader';
import { migrateRegistryDatabase, TokenStore } from './tokens/TokenStore';

export const registryPlugin = createBackendPlugin({
  pluginId: 'registry',
  register(env) {
    env.registerInit({
      deps: {
        rootConfig: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        discovery: coreServices.discovery,
        events: eventsServiceRef,
        gitProviders: gitProvidersServiceRef,
      },
      async init(deps) {
        const { gitProviders, logger } = deps;
        const config = readRegistryConfig(deps.rootConfig);
        // the providers exist once the gitops plugin has created them (ready()); waited for
        // per request, so that start-up never depends on the order plugins start in
        const ready = () =>
          (gitProviders as { ready?: () => Promise<void> }).ready?.() ??
          Promise.resolve();
        const records = new GitMergedRecords({
          ready,
          repositories: () => gitProviders.list(),
          headRefreshMs: config.headRefreshSeconds * 1000,
        });
        const registry = new Registry({
          records,
          sources: new GitSourceReader({
            ready,
            provider: id => gitProviders.get(id)?.provider,
            repositoryIds: () => gitProviders.list().map(r => r.id),
          }),
        });
        const openVersions = new OpenVersions({
          ready,
          repositories: () => gitProviders.list(),
          refreshMs: config.headRefreshSeconds * 1000,
        });
        // a merge (webhook or the local provider's own event) makes the next request look the
        // heads up again; the caches are keyed by commit, so nothing else needs clearing
        const onGitEvent = () => {
          records.invalidate();
          openVersions.invalidate();
        };
        await deps.events.subscribe({
          id: 'registry-merged-records',
          topics: [GITOPS_EVENTS_TOPIC],
          onEvent: async () => onGitEvent(),
        });
        gitProviders.onEvent(onGitEvent);

        const tokens = new TokenStore(
          await migrateRegistryDatabase(deps.database),
        );
        deps.permissionsRegistry.addPermissions(registryPermissions);
        deps.httpRouter.use(
          createRouter({
            registry,
            openVersions,
            tokens,
            config,
            auth: deps.auth,
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            baseUrl: () => deps.discovery.getExternalBaseUrl('registry'),
          }),
        );
        for (const path of PROTOCOL_PATHS) {
          deps.httpRouter.addAuthPolicy({ path, allow: 'unauthenticated' });
        }
        if (!deps.rootConfig.getOptionalString('registry.signingSecret')) {
          logger.info(
            'registry.signingSecret is not set: signed download URLs are valid only on this process',
          );
        }
      },
    });
  },
});
