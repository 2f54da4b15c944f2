/*
 * The routes of tenant clusters, addons, the addon catalog, teams and the caller's own Butler
 * identity (contract in butler-common's inventory.ts, documented in README.md). Every route
 * needs a signed-in user and asks its permission on every call; what it answers is then limited
 * to the viewer's teams by InventoryQueries. Answers come from the shared watch cache and never
 * wait for the cluster: a kind that has not been listed yet is a 503 naming why.
 */
import type {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { BasicPermission } from '@backstage/plugin-permission-common';
import {
  butlerAddonReadPermission,
  butlerClusterReadPermission,
  butlerTeamReadPermission,
  TENANT_CLUSTER_PHASES,
  type InventoryKind,
  type ItemList,
} from '@butler-portal/plugin-butler-common';
import { createAuthorize } from '@butler-portal/plugin-gitops-node';
import type express from 'express';
import Router from 'express-promise-router';
import { InventoryQueries } from '../access/InventoryQueries';
import { resolveViewer, type Viewer } from '../access/viewer';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';
import { requireDns1123Label } from './names';

export interface InventoryRouterOptions {
  inventory: ButlerInventory;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  userInfo: UserInfoService;
  /** keep-alive comment interval of /events (default 25 s, under common proxy idle limits) */
  eventsKeepAliveMs?: number;
  /** how often /events looks whether the cluster went down or came back (default 1 s) */
  eventsStatusIntervalMs?: number;
}

/** Team and other cluster-scoped names are DNS-1123 subdomains. */
const DNS1123_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function requireSubdomain(what: string, value: unknown): string {
  if (
    typeof value !== 'string' ||
    value.length > 253 ||
    !DNS1123_SUBDOMAIN.test(value)
  ) {
    throw new InputError(
      `${what} ${JSON.stringify(
        value,
      )} is not a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)`,
    );
  }
  return value;
}

function optionalQuery(
  req: express.Request,
  key: string,
  check: (what: string, value: unknown) => string,
): string | undefined {
  const value = req.query[key];
  return value === undefined ? undefined : check(key, value);
}

export async function createInventoryRouter(
  options: InventoryRouterOptions,
): Promise<express.Router> {
  const { inventory, httpAuth, userInfo } = options;
  const queries = new InventoryQueries(inventory);
  const authorize = createAuthorize(options);
  const router = Router();

  const requireSynced = (...kinds: InventoryKind[]) => {
    const status = inventory.status();
    for (const kind of kinds) {
      if (!inventory.synced(kind)) {
        throw new ServiceUnavailableError(
          status.kinds[kind]?.reason ??
            status.reason ??
            `${kind} objects are not yet read from the management cluster`,
        );
      }
    }
  };

  /** The signed-in viewer, after the permission allowed the call. */
  const viewerFor = async (
    req: express.Request,
    permission: BasicPermission,
    ...kinds: InventoryKind[]
  ): Promise<{ viewer: Viewer; credentials: BackstageCredentials }> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(permission, credentials);
    requireSynced('Team', 'User', ...kinds);
    const info = await userInfo.getUserInfo(credentials);
    return { viewer: resolveViewer(inventory, info), credentials };
  };

  router.get('/inventory/status', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(inventory.status());
  });

  router.get('/me', async (req, res) => {
    const { viewer } = await viewerFor(req, butlerTeamReadPermission);
    res.json(queries.me(viewer));
  });

  router.get('/clusters', async (req, res) => {
    const team = optionalQuery(req, 'team', requireSubdomain);
    const namespace = optionalQuery(req, 'namespace', requireDns1123Label);
    const phase = optionalQuery(req, 'phase', (what, value) => {
      if (!TENANT_CLUSTER_PHASES.includes(value as any)) {
        throw new InputError(
          `${what} ${JSON.stringify(
            value,
          )} is not a TenantCluster phase (${TENANT_CLUSTER_PHASES.join(
            ', ',
          )})`,
        );
      }
      return value as string;
    });
    const { viewer } = await viewerFor(
      req,
      butlerClusterReadPermission,
      'TenantCluster',
      'TenantAddon',
    );
    const body: ItemList<unknown> = {
      items: queries.clusters(viewer, { team, phase, namespace }),
    };
    res.json(body);
  });

  router.get('/clusters/:namespace/:name', async (req, res) => {
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    const { viewer } = await viewerFor(
      req,
      butlerClusterReadPermission,
      'TenantCluster',
      'TenantAddon',
    );
    const cluster = queries.cluster(viewer, namespace, name);
    if (!cluster) {
      throw new NotFoundError(
        `no TenantCluster ${namespace}/${name} among the clusters of your teams`,
      );
    }
    res.json(cluster);
  });

  router.get('/addons', async (req, res) => {
    const namespace = optionalQuery(req, 'namespace', requireDns1123Label);
    const cluster = optionalQuery(req, 'cluster', requireDns1123Label);
    const { viewer } = await viewerFor(
      req,
      butlerAddonReadPermission,
      'TenantCluster',
      'TenantAddon',
    );
    res.json({ items: queries.addons(viewer, { namespace, cluster }) });
  });

  router.get('/addons/:namespace/:name', async (req, res) => {
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    const { viewer } = await viewerFor(
      req,
      butlerAddonReadPermission,
      'TenantCluster',
      'TenantAddon',
    );
    const addon = queries.addon(viewer, namespace, name);
    if (!addon) {
      throw new NotFoundError(
        `no TenantAddon ${namespace}/${name} among the addons of your teams`,
      );
    }
    res.json(addon);
  });

  router.get('/addon-definitions', async (req, res) => {
    await viewerFor(req, butlerAddonReadPermission, 'AddonDefinition');
    res.json({ items: queries.addonDefinitions() });
  });

  router.get('/teams', async (req, res) => {
    const { viewer } = await viewerFor(
      req,
      butlerTeamReadPermission,
      'TenantCluster',
    );
    res.json({ items: queries.teams(viewer) });
  });

  router.get('/teams/:name', async (req, res) => {
    const name = requireSubdomain('name', req.params.name);
    const { viewer } = await viewerFor(
      req,
      butlerTeamReadPermission,
      'TenantCluster',
    );
    const team = queries.team(viewer, name);
    if (!team) {
      throw new NotFoundError(`no Team ${name} among your teams`);
    }
    res.json(team);
  });

  // Live updates for the pages: server-sent events naming what changed (never the object: the
  // page reads it through the routes above, with their checks). Each event is filtered for
  // the viewer, re-resolved per event so that a membership change takes effect at once.
  router.get('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await authorize(butlerClusterReadPermission, credentials);
    const info = await userInfo.getUserInfo(credentials);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('status', inventory.status());
    let lastReason = inventory.status().reason;
    let lastWrite = Date.now();
    const off = inventory.onChange(e => {
      const viewer = resolveViewer(inventory, info);
      if (queries.mayKnow(viewer, e.kind, e.object)) {
        send('change', InventoryQueries.eventOf(e.kind, e.type, e.object));
        lastWrite = Date.now();
      }
    });
    const keepAliveMs = options.eventsKeepAliveMs ?? 25_000;
    const timer = setInterval(() => {
      // a watch going down (or back up) is told within a second, with its reason
      const status = inventory.status();
      if (status.reason !== lastReason) {
        lastReason = status.reason;
        send('status', status);
        lastWrite = Date.now();
      } else if (Date.now() - lastWrite >= keepAliveMs) {
        res.write(': keep-alive\n\n');
        lastWrite = Date.now();
      }
    }, options.eventsStatusIntervalMs ?? 1000);
    req.on('close', () => {
      off();
      clearInterval(timer);
    });
  });

  return router;
}
