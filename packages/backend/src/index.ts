/*
 * Butler Portal backend: the Backstage core plugins the product uses, plus the portal's own
 * plugins as their issues add them. Everything else stays out, so that start-up is quick and the
 * log carries only what matters.
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendFeatureLoader,
} from '@backstage/backend-plugin-api';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// auth: guest on the embedded defaults; OIDC or GitHub in production (app-config.production.yaml)
backend.add(import('@backstage/plugin-auth-backend'));
// guest exists only where the config asks for it (app-config.embedded.yaml): production config
// has no auth.providers.guest, so there is no guest provider to enable by accident
backend.add(
  createBackendFeatureLoader({
    deps: { config: coreServices.rootConfig },
    *loader({ config }) {
      if (config.has('auth.providers.guest')) {
        yield import('@backstage/plugin-auth-backend-module-guest-provider');
      }
    },
  }),
);
backend.add(import('@backstage/plugin-auth-backend-module-github-provider'));
backend.add(import('@backstage/plugin-auth-backend-module-oidc-provider'));
// OIDC from the management cluster's IdentityProvider, where auth.providers.butler is listed
backend.add(import('@butler-portal/plugin-auth-backend-module-butler-oidc'));

// catalog; the GitHub modules only act when catalog.providers.github / githubOrg are configured
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
backend.add(import('@backstage/plugin-catalog-backend-module-github'));
backend.add(import('@backstage/plugin-catalog-backend-module-github-org'));
// the resources of the GitOps repositories, about a second after each merge
backend.add(import('@butler-portal/plugin-catalog-backend-module-gitops'));
// live TenantClusters, Teams and Users of the Butler management cluster (shares butler's watches)
backend.add(import('@butler-portal/plugin-catalog-backend-module-butler'));

// GitOps: change requests over the Git providers, webhooks, the reconciler; one module per
// provider type (local adds git smart HTTP for local repositories)
backend.add(import('@butler-portal/plugin-gitops-backend'));
backend.add(import('@butler-portal/plugin-gitops-backend-module-local'));
backend.add(import('@butler-portal/plugin-gitops-backend-module-github'));
backend.add(import('@butler-portal/plugin-gitops-backend-module-gitlab'));
// Keeper: Terraform/OpenTofu modules, Helm charts and OPA bundles from merged versions
backend.add(import('@butler-portal/plugin-registry-backend'));

// Butler management cluster: live workspace status (watch) and start/stop, when
// butler.managementCluster is configured (503 with the reason otherwise)
backend.add(import('@butler-portal/plugin-butler-backend'));
// a terminal into a workspace's pod over WebSocket (single-use tickets, audited)
backend.add(import('@butler-portal/plugin-terminal-backend'));

// scaffolder with the GitHub actions (publish:github, github:* ...)
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
// Butler actions: GitOps change requests and workspaces, as the user running the template
backend.add(import('@butler-portal/plugin-scaffolder-backend-module-butler'));

// events: push and pull-request webhooks from GitHub and GitLab
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-events-backend-module-github'));
backend.add(import('@backstage/plugin-events-backend-module-gitlab'));

// permission: Butler's roles (Team access, platform admins) from the management cluster, else
// from catalog Groups; conditional decisions on workspaces (plugins/permission-backend-module-butler)
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('@butler-portal/plugin-permission-backend-module-butler'));

// search: Postgres engine when the database is PostgreSQL, in-memory Lunr otherwise
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));

backend.start();
