/*
 * The whole gitops plugin in a test backend, as the portal and the git client use it: a real
 * local repository seeded from repo-layouts/platform (with its CODEOWNERS), the catalog as a mock
 * holding the signed-in user and their team, and an events service that records what is
 * published and delivers it to subscribers (the reconciler's push trigger). Shared by the
 * plugin's HTTP tests.
 */
import { execFile } from 'child_process';
import path from 'path';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { coreServices, createServiceFactory } from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  eventsServiceRef,
  type EventParams,
  type EventsServiceSubscribeOptions,
} from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import gitopsModuleGithubProvider from '@butler-portal/plugin-gitops-backend-module-github';
import gitopsModuleGitlabProvider from '@butler-portal/plugin-gitops-backend-module-gitlab';
import gitopsModuleLocalProvider from '@butler-portal/plugin-gitops-backend-module-local';
import { gitopsPlugin } from '../plugin';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';

// the plugin's database comes from TestDatabases, which closes it after the tests
const databases = TestDatabases.create({
  ids: testDatabaseIds(),
  disableDocker: true,
});

export const LAYOUTS_DIR = path.resolve(__dirname, '../../../../repo-layouts');
export const GUEST = 'user:default/guest';

export const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest' },
    spec: {
      profile: { displayName: 'Guest', email: 'guest@example.com' },
      memberOf: ['platform-team'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team' },
    spec: { type: 'team', children: [] },
  },
];

export const WORKSPACE = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'guest-dev', namespace: 'platform' },
  spec: {
    owner: 'guest@example.com',
    clusterRef: { name: 'platform-dev' },
    image: 'ghcr.io/butlerdotdev/workspace-base:1.2.0',
  },
};

export const CREATE = {
  operation: 'create',
  kind: 'workspaces',
  namespace: 'platform',
  name: 'guest-dev',
  resource: WORKSPACE,
};

/** the real git client, isolated from the machine's configuration */
export function git(
  args: string[],
  cwd?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      'git',
      args,
      {
        cwd,
        env: {
          PATH: process.env.PATH,
          HOME: cwd ?? '/tmp',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_CONFIG_GLOBAL: '/dev/null',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: unknown }).code ?? 1) : 0,
          stdout: stdout.trim(),
          stderr,
        }),
    );
  });
}

/** every ref of a bare repository and where it points: equal before and after = nothing written */
export async function refsOf(gitDir: string): Promise<string> {
  return (
    await git([
      '--git-dir',
      gitDir,
      'for-each-ref',
      '--format=%(refname) %(objectname)',
    ])
  ).stdout;
}

/** A conditional answer of the policy, as the permission backend hands it to a plugin. */
export interface ConditionalDecision {
  result: AuthorizeResult.CONDITIONAL;
  pluginId: string;
  resourceType: string;
  conditions: unknown;
}

export async function startPortal(
  options: {
    /** the policy's answer for every permission, or per permission name */
    permission?:
      | AuthorizeResult.ALLOW
      | AuthorizeResult.DENY
      | ((
          name: string,
          /** the caller, for decisions that differ per user */
          userEntityRef?: string,
        ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY | ConditionalDecision);
    repositories?: object[];
    /** provider modules left out although a repository needs them (start-up errors) */
    withoutModules?: Array<'github' | 'gitlab'>;
    /** `sync:` of the default repository (none = not synced) */
    sync?: object;
    /** default SQLite */
    databaseId?: TestDatabaseId;
    /** `gitops.git` (the /git route's settings) */
    git?: { maxPushBytes?: number };
    /** catalog entities besides the guest and platform-team (code owners of other folders) */
    moreEntities?: object[];
  } = {},
) {
  const dir = createMockDirectory();
  const published: EventParams[] = [];
  const subscribers: EventsServiceSubscribeOptions[] = [];
  // the embedded default's only provider is local: the backend starts with that module alone;
  // the GitHub and GitLab modules join when a configured repository needs them
  const types = new Set(
    (options.repositories ?? []).map(r => (r as { provider?: string }).provider),
  );
  for (const left of options.withoutModules ?? []) types.delete(left);
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      gitopsModuleLocalProvider,
      ...(types.has('github') ? [gitopsModuleGithubProvider] : []),
      ...(types.has('gitlab') ? [gitopsModuleGitlabProvider] : []),
      mockServices.database.factory({
        knex: await databases.init(options.databaseId ?? 'SQLITE_3'),
      }),
      catalogServiceMock.factory({
        entities: [...entities, ...(options.moreEntities ?? [])] as any,
      }),
      typeof options.permission === 'function'
        ? createServiceFactory({
            service: coreServices.permissions,
            deps: {},
            factory: () => {
              const decide = options.permission as (
                name: string,
                userEntityRef?: string,
              ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY | ConditionalDecision;
              const userOf = (o: any) => o?.credentials?.principal?.userEntityRef as string | undefined;
              const answer = (d: ReturnType<typeof decide>) => (typeof d === 'object' ? d : { result: d });
              return {
                // a basic permission never gets a condition: anything but ALLOW is a refusal
                authorize: async (requests: Array<{ permission: { name: string } }>, o: unknown) =>
                  requests.map(r => {
                    const d = decide(r.permission.name, userOf(o));
                    return { result: d === AuthorizeResult.ALLOW ? d : AuthorizeResult.DENY };
                  }),
                authorizeConditional: async (requests: Array<{ permission: { name: string } }>, o: unknown) =>
                  requests.map(r => answer(decide(r.permission.name, userOf(o)))),
              } as any;
            },
          })
        : mockServices.permissions.factory({
            result: options.permission ?? AuthorizeResult.ALLOW,
          }),
      // no Authorization header = not signed in (the mock would default to a user)
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (params: EventParams) => {
            published.push(params);
            for (const subscriber of subscribers) {
              if (subscriber.topics.includes(params.topic)) {
                await subscriber.onEvent(params);
              }
            }
          },
          subscribe: async (subscriber: EventsServiceSubscribeOptions) => {
            subscribers.push(subscriber);
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [{ host: 'github.com', token: 'not-used' }],
            gitlab: [{ host: 'gitlab.com', token: 'not-used' }],
          },
          gitops: {
            layoutsDir: LAYOUTS_DIR,
            ...(options.git && { git: options.git }),
            repositories: options.repositories ?? [
              {
                id: 'platform',
                provider: 'local',
                layout: 'platform',
                dir: path.join(dir.path, 'platform.git'),
                requiredApprovals: 1,
                allowSelfApproval: true,
                ...(options.sync && { sync: options.sync }),
              },
            ],
          },
        },
      }),
    ],
  });
  const server = backend.server as Server;
  const port = (server.address() as AddressInfo).port;
  return { backend, server, port, dir, published };
}

export const auth = { Authorization: mockCredentials.user.header(GUEST) };
