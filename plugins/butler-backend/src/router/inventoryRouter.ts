/*
 * The routes of tenant clusters, addons, the addon catalog, teams and the caller's own Butler
 * identity (contract in butler-common's inventory.ts, documented in README.md). Every route
 * needs a signed-in user and asks its permission on every call, before reading anything: the
 * read permissions are resource permissions, and what a route answers is what the policy's
 * condition allows (readScope: a list filtered before it is sent, an object out of scope 404).
 * Answers come from the shared watch cache and never wait for the cluster: a kind that has not
 * been listed yet is a 503 naming why.
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
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  butlerAddonReadPermission,
  butlerClusterReadPermission,
  butlerTeamReadPermission,
  matchesButlerCluster,
  matchesButlerTeam,
  TENANT_CLUSTER_PHASES,
  type InventoryKind,
  type ItemList,
} from '@butler-portal/plugin-butler-common';
import type express from 'express';
import Router from 'express-promise-router';
import {
  inScope,
  InventoryQueries,
  type ReadScopes,
} from '../access/InventoryQueries';
import {
  readScope,
  type ButlerInventory,
  type Matcher,
  type Scope,
} from '@butler-portal/plugin-butler-node';
import { resolveViewer, type Viewer } from '../access/viewer';
import { clusterNotFound } from '../access/clusterAccess';
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
  const { inventory, httpAuth, userInfo, permissions } = options;
  const queries = new InventoryQueries(inventory);
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

  /**
   * The signed-in viewer and what the policy lets them read under `permission` (a 403 when it
   * refuses outright), asked before anything is read.
   */
  const viewerFor = async <R>(
    req: express.Request,
    permission: ResourcePermission,
    match: Matcher<R>,
    ...kinds: InventoryKind[]
  ): Promise<{
    viewer: Viewer;
    scope: Scope<R>;
    credentials: BackstageCredentials;
  }> => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const scope = await readScope(permissions, permission, credentials, match);
    requireSynced('Team', 'User', ...kinds);
    const info = await userInfo.getUserInfo(credentials);
    return { viewer: resolveViewer(inventory, info), scope, credentials };
  };
  const clusterRead = butlerClusterReadPermission;
  const addonRead = butlerAddonReadPermission;
  const teamRead = butlerTeamReadPermission;

  router.get('/inventory/status', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user'] });
    res.json(inventory.status());
  });

  // the caller's own identity and teams: anyone the policy lets read some team (one in no team
  // too: the answer says so), not a refused (disabled) user
  router.get('/me', async (req, res) => {
    const { viewer } = await viewerFor(req, teamRead, matchesButlerTeam);
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
    const { scope } = await viewerFor(
      req,
      clusterRead,
      matchesButlerCluster,
      'TenantCluster',
      'TenantAddon',
    );
    const body: ItemList<unknown> = {
      items: inScope(scope, queries.clusters({ team, phase, namespace })),
    };
    res.json(body);
  });

  router.get('/clusters/:namespace/:name', async (req, res) => {
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    const { scope } = await viewerFor(
      req,
      clusterRead,
      matchesButlerCluster,
      'TenantCluster',
      'TenantAddon',
    );
    const [cluster] = inScope(scope, [queries.cluster(namespace, name)]);
    if (!cluster) {
      throw clusterNotFound(namespace, name);
    }
    res.json(cluster);
  });

  router.get('/addons', async (req, res) => {
    const namespace = optionalQuery(req, 'namespace', requireDns1123Label);
    const cluster = optionalQuery(req, 'cluster', requireDns1123Label);
    const { scope } = await viewerFor(
      req,
      addonRead,
      matchesButlerCluster,
      'TenantCluster',
      'TenantAddon',
    );
    res.json({ items: inScope(scope, queries.addons({ namespace, cluster })) });
  });

  router.get('/addons/:namespace/:name', async (req, res) => {
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    const { scope } = await viewerFor(
      req,
      addonRead,
      matchesButlerCluster,
      'TenantCluster',
      'TenantAddon',
    );
    const [addon] = inScope(scope, [queries.addon(namespace, name)]);
    if (!addon) {
      throw new NotFoundError(
        `no TenantAddon ${namespace}/${name} among the addons of your teams`,
      );
    }
    res.json(addon);
  });

  // the platform's offer: the same for everyone the policy lets read addons at all
  router.get('/addon-definitions', async (req, res) => {
    await viewerFor(req, addonRead, matchesButlerCluster, 'AddonDefinition');
    res.json({ items: queries.addonDefinitions() });
  });

  router.get('/teams', async (req, res) => {
    const { viewer, scope } = await viewerFor(
      req,
      teamRead,
      matchesButlerTeam,
      'TenantCluster',
    );
    res.json({ items: inScope(scope, queries.teams(viewer)) });
  });

  router.get('/teams/:name', async (req, res) => {
    const name = requireSubdomain('name', req.params.name);
    const { viewer, scope } = await viewerFor(
      req,
      teamRead,
      matchesButlerTeam,
      'TenantCluster',
    );
    const [team] = inScope(scope, [queries.team(viewer, name)]);
    if (!team) {
      throw new NotFoundError(`no Team ${name} among your teams`);
    }
    res.json(team);
  });

  /** The three read scopes of a caller; a refused one reads nothing. */
  const scopesOf = async (
    credentials: BackstageCredentials,
  ): Promise<ReadScopes> => {
    const orNothing = <R>(scope: Promise<Scope<R>>) =>
      scope.catch((): Scope<R> => () => false);
    const [cluster, addon, team] = await Promise.all([
      orNothing(
        readScope(permissions, clusterRead, credentials, matchesButlerCluster),
      ),
      orNothing(
        readScope(permissions, addonRead, credentials, matchesButlerCluster),
      ),
      orNothing(
        readScope(permissions, teamRead, credentials, matchesButlerTeam),
      ),
    ]);
    return { cluster, addon, team };
  };

  // Live updates for the pages: server-sent events naming what changed (never the object: the
  // page reads it through the routes above, with their checks). Each event is filtered by the
  // caller's read scopes, the policy's decisions asked again when an event comes more than a
  // second after the last ask, so that a membership change takes effect within a second.
  router.get('/events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    await readScope(
      permissions,
      clusterRead,
      credentials,
      matchesButlerCluster,
    );
    const info = await userInfo.getUserInfo(credentials);
    let scopes: { at: number; scopes: Promise<ReadScopes> } | undefined;
    const currentScopes = () => {
      if (!scopes || Date.now() - scopes.at > 1000) {
        scopes = { at: Date.now(), scopes: scopesOf(credentials) };
      }
      return scopes.scopes;
    };
    // events are told in the order they came, each after its decision
    let told: Promise<void> = Promise.resolve();
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
    let closed = false;
    const off = inventory.onChange(e => {
      told = told
        .then(async () => {
          const current = await currentScopes();
          const viewer = resolveViewer(inventory, info);
          if (!closed && queries.mayKnow(current, viewer, e.kind, e.object)) {
            send('change', InventoryQueries.eventOf(e.kind, e.type, e.object));
            lastWrite = Date.now();
          }
        })
        // a write to a connection going away: the next event is still told to a live one
        .catch(() => undefined);
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
      closed = true;
      off();
      clearInterval(timer);
    });
  });

  return router;
}
