/*
 * The registry plugin in a test backend, as the clients use it: two real git repositories
 * (`platform` holding the records, `modules` seeded from repo-layouts/modules), the plugin's
 * database on SQLite, mock permissions, and an events service that delivers `butler.gitops`
 * events to subscribers, so a "merge" is a commit on main plus the event a provider would send.
 */
import os from 'os';
import fs from 'fs';
import path from 'path';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  eventsServiceRef,
  type EventParams,
  type EventsServiceSubscribeOptions,
} from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import {
  GITOPS_EVENTS_TOPIC,
  gitProvidersServiceRef,
  type GitProvidersService,
} from '@butler-portal/plugin-gitops-node';
import { registryPlugin } from '../plugin';
import { GitRepo } from './gitRepo';

export const LAYOUTS_DIR = path.resolve(__dirname, '../../../../repo-layouts');
export const USER = 'user:default/guest';
export const userAuth = {
  Authorization: mockCredentials.user.header(USER),
};

/** the platform layout's Keeper records, only (the other kinds are not Keeper's business) */
function seedRecords(dir: string) {
  for (const folder of ['artifacts', 'artifact-versions']) {
    fs.cpSync(
      path.join(LAYOUTS_DIR, 'platform', folder),
      path.join(dir, folder),
      {
        recursive: true,
      },
    );
  }
}

type PolicyAnswer =
  | AuthorizeResult.ALLOW
  | AuthorizeResult.DENY
  | {
      result: AuthorizeResult.CONDITIONAL;
      pluginId: string;
      resourceType: string;
      conditions: unknown;
    };

/** a permissions service answering per permission and caller, as the Butler policy would */
function decidingPermissions(
  decide: (name: string, userEntityRef?: string) => PolicyAnswer,
) {
  const userOf = (o: any) =>
    o?.credentials?.principal?.userEntityRef as string | undefined;
  return createServiceFactory({
    service: coreServices.permissions,
    deps: {},
    factory: () =>
      ({
        authorize: async (requests: any[], o: unknown) =>
          requests.map(r => {
            const d = decide(r.permission.name, userOf(o));
            return {
              result:
                d === AuthorizeResult.ALLOW ? d : AuthorizeResult.DENY,
            };
          }),
        authorizeConditional: async (requests: any[], o: unknown) =>
          requests.map(r => {
            const d = decide(r.permission.name, userOf(o));
            return typeof d === 'object' ? d : { result: d };
          }),
      } as any),
  });
}

export async function startRegistry(
  options: {
    /** the policy's answer, or per permission and caller (a condition for resource permissions) */
    permission?:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY
      | ((name: string, userEntityRef?: string) => PolicyAnswer);
    registry?: Record<string, unknown>;
  } = {},
) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'keeper-'));
  const seed = path.join(root, 'seed');
  seedRecords(seed);
  const platform = GitRepo.create(
    'platform',
    path.join(root, 'platform'),
    seed,
  );
  const modules = GitRepo.create(
    'modules',
    path.join(root, 'modules'),
    path.join(LAYOUTS_DIR, 'modules'),
    { asPortalSeed: true },
  );
  const repositories = [
    {
      id: 'platform',
      provider: platform.provider(),
      kinds: KINDS.map(k => k.kind),
    },
    { id: 'modules', provider: modules.provider(), kinds: [] },
  ];
  const subscribers: EventsServiceSubscribeOptions[] = [];
  const backend = await startTestBackend({
    features: [
      registryPlugin,
      mockServices.database.factory(),
      typeof options.permission === 'function'
        ? decidingPermissions(options.permission)
        : mockServices.permissions.factory({
            result: options.permission ?? AuthorizeResult.ALLOW,
          }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      createServiceFactory({
        service: gitProvidersServiceRef,
        deps: {},
        // the read side of the service Keeper uses; the rest belongs to the gitops plugin
        factory: () =>
          ({
            ready: async () => {},
            list: () => repositories,
            get: (id: string) => repositories.find(r => r.id === id),
            onEvent: () => () => {},
          } as unknown as GitProvidersService),
      }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (params: EventParams) => {
            for (const s of subscribers) {
              if (s.topics.includes(params.topic)) await s.onEvent(params);
            }
          },
          subscribe: async (s: EventsServiceSubscribeOptions) => {
            subscribers.push(s);
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          registry: {
            // a long refresh: only the merge event may make a change visible
            headRefreshSeconds: 3600,
            ...options.registry,
          },
        },
      }),
    ],
  });
  const server = backend.server as Server;
  const port = (server.address() as AddressInfo).port;

  /** a merge: commit on main, then the push event every provider raises */
  async function merge(repo: GitRepo, files: Record<string, string | null>) {
    const before = repo.headOf();
    const after =
      Object.keys(files).length > 0 ? repo.commit(files, 'merge') : before;
    for (const s of subscribers) {
      if (s.topics.includes(GITOPS_EVENTS_TOPIC)) {
        await s.onEvent({
          topic: GITOPS_EVENTS_TOPIC,
          eventPayload: {
            type: 'push',
            repository: repo.id,
            branch: 'main',
            before,
            after,
          },
        });
      }
    }
    return after;
  }

  return {
    backend,
    server,
    port,
    baseUrl: `http://localhost:${port}/api/registry`,
    platform,
    modules,
    merge,
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
