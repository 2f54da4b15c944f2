/*
 * The role × action matrix: six roles (platform admin, team admin, operator, viewer, another
 * team's member, no team) against every permission the portal declares, each decision asserted
 * through real HTTP routes of a backend running the permission backend with this policy:
 * the butler plugin's routes (clusters, addons and teams filtered by the policy's condition,
 * workspaces listed, read, started and stopped, kubeconfig downloads), the terminal plugin's
 * tickets and WebSocket (a tenant cluster's terminal, read-only or not), and the permission
 * backend's /authorize for the others (the route gitops, registry and pipeline backends call)
 * and with a resourceRef (what a page's usePermission asks).
 */
import WebSocket from 'ws';
import {
  butlerAddonReadPermission,
  butlerClusterKubeconfigPermission,
  butlerClusterReadPermission,
  butlerClusterTerminalPermission,
  butlerClusterTerminalPermissions,
  butlerClusterTerminalWritePermission,
  butlerPermissions,
  butlerTerminalPermissions,
  butlerWorkspaceTerminalPermission,
  butlerWorkspaceTerminalWritePermission,
  butlerTeamReadPermission,
  butlerWorkspaceOperatePermission,
  butlerWorkspaceReadPermission,
} from '@butler-portal/plugin-butler-common';
import {
  gitopsChangeClosePermission,
  gitopsChangeCreatePermission,
  gitopsChangeMergePermission,
  gitopsChangeReviewPermission,
  gitopsPermissions,
  gitopsResourceReadPermission,
} from '@butler-portal/plugin-gitops-common';
import {
  pipelineChangeCreatePermission,
  pipelinePermissions,
  pipelineReadPermission,
} from '@butler-portal/plugin-pipeline-common';
import {
  registryPermissions,
  registryReadPermission,
  registryTokenCreatePermission,
  registryTokenRevokePermission,
} from '@butler-portal/plugin-registry-common';
import { createPermission } from '@backstage/plugin-permission-common';
import {
  matchesGitopsResource,
  ownershipOf,
} from '@butler-portal/plugin-gitops-common';
import {
  matchesButlerCluster,
  matchesButlerTeam,
} from '@butler-portal/plugin-butler-common';
import { butlerClient } from '@butler-portal/plugin-butler-node/testUtils';
import { PORTAL_RULES } from './policy/portalRules';
import {
  APP_ORIGIN,
  APP_POD,
  CAST,
  ROLES,
  TENANT_ADDONS,
  TENANT_CLUSTERS,
  startCatalogMatrix,
  startClusterMatrix,
  type MatrixBackend,
  type Role,
} from './__testUtils__/matrixBackend';

jest.setTimeout(60_000);

const ALL_PORTAL_PERMISSIONS = [
  ...butlerPermissions,
  ...butlerTerminalPermissions,
  ...butlerClusterTerminalPermissions,
  ...gitopsPermissions,
  ...pipelinePermissions,
  ...registryPermissions,
];

/** The expected basic decisions: role → permission → ALLOW or DENY. */
const A = 'ALLOW';
const BASIC: Array<[{ name: string }, Record<Role, string>]> = [
  [
    // a registry is shared by every team: everyone reads it
    registryReadPermission,
    {
      platformAdmin: A,
      teamAdmin: A,
      operator: A,
      viewer: A,
      otherTeam: A,
      noTeam: A,
    },
  ],
];

/**
 * The permissions decided by the team owning the file (gitops-common's permissionRules): for
 * each role, whether it may act on a file of team-a (namespace team-a) and one of team-b.
 */
const WRITE_FILES: Record<Role, [boolean, boolean]> = {
  platformAdmin: [true, true],
  teamAdmin: [true, false],
  operator: [true, false],
  viewer: [false, false],
  otherTeam: [false, true],
  noTeam: [false, false],
};
const ADMIN_FILES: Record<Role, [boolean, boolean]> = {
  ...WRITE_FILES,
  operator: [false, false],
};
const OWNING: Array<[{ name: string }, Record<Role, [boolean, boolean]>]> = [
  [gitopsChangeCreatePermission, WRITE_FILES],
  [gitopsChangeReviewPermission, ADMIN_FILES],
  [gitopsChangeMergePermission, ADMIN_FILES],
  [gitopsChangeClosePermission, ADMIN_FILES],
  [pipelineChangeCreatePermission, WRITE_FILES],
  [registryTokenCreatePermission, WRITE_FILES],
  [registryTokenRevokePermission, ADMIN_FILES],
];
const FILE_OF = (namespace: string) => ({
  kind: 'TenantCluster',
  namespace,
  name: 'dev',
});

/** The Workspace file team-a/nina-dev, whose spec.owner is nina (in no team). */
const NINAS_WORKSPACE_FILE = ownershipOf(
  {
    kind: 'Workspace',
    metadata: { namespace: 'team-a', name: 'nina-dev' },
    spec: { owner: 'NINA@example.com' },
  },
  { namespace: 'team-a', name: 'nina-dev' },
);

/**
 * The decision as the gitops and registry backends apply it (the same matcher as their routes):
 * a file of team-a, one of team-b; plus a file in team-a's folder that declares team-b its
 * owner, which is team-b's; and nina's Workspace file in team-a's folder (team-a's to change:
 * owning a file lets one read it, not change it).
 */
async function mayActOnFiles(
  backend: MatrixBackend,
  ref: string,
  permission: object,
): Promise<[boolean, boolean, boolean, boolean]> {
  const decision = await backend.decide(ref, permission);
  const files = [
    FILE_OF('team-a'),
    FILE_OF('team-b'),
    { ...FILE_OF('team-a'), team: 'team-b' },
    NINAS_WORKSPACE_FILE,
  ];
  const [a, b, claimed, ninas] = files.map(f =>
    decision.result === 'CONDITIONAL'
      ? matchesGitopsResource(decision.conditions, f)
      : decision.result === 'ALLOW',
  );
  return [a, b, claimed, ninas];
}

/**
 * Reading GitOps files and pipelines: for each role, whether it reads a file of team-a, one of
 * team-b, and one in a namespace no team has (nobody's: everyone reads it).
 */
const READ_FILES: Record<Role, [boolean, boolean, boolean]> = {
  platformAdmin: [true, true, true],
  teamAdmin: [true, false, true],
  operator: [true, false, true],
  viewer: [true, false, true],
  otherTeam: [false, true, true],
  noTeam: [false, false, true],
};
const READS_OF_FILES: Array<
  [{ name: string }, Record<Role, [boolean, boolean, boolean]>]
> = [
  [gitopsResourceReadPermission, READ_FILES],
  [pipelineReadPermission, READ_FILES],
];

/**
 * a file's read decision as the gitops backend applies it: team-a's, team-b's, nobody's, claimed,
 * and the Workspace file team-a/nina-dev whose spec.owner is nina (in no team: its owner)
 */
async function mayReadFiles(
  backend: MatrixBackend,
  ref: string,
  permission: object,
): Promise<[boolean, boolean, boolean, boolean, boolean]> {
  const decision = await backend.decide(ref, permission);
  const files = [
    FILE_OF('team-a'),
    FILE_OF('team-b'),
    FILE_OF('commons'),
    // in nobody's namespace, but declaring team-b its owner: team-b's
    { ...FILE_OF('commons'), team: 'team-b' },
    NINAS_WORKSPACE_FILE,
  ];
  const [a, b, nobodys, claimed, ninas] = files.map(f =>
    decision.result === 'CONDITIONAL'
      ? matchesGitopsResource(decision.conditions, f)
      : decision.result === 'ALLOW',
  );
  return [a, b, nobodys, claimed, ninas];
}

/** Workspaces each role sees in the list (GET /api/butler/workspaces), in the server's order. */
const VISIBLE: Record<Role, string[]> = {
  platformAdmin: [
    'team-a/alice-dev',
    'team-a/nina-dev',
    'team-a/oscar-dev',
    'team-b/bob-dev',
  ],
  teamAdmin: ['team-a/alice-dev', 'team-a/nina-dev', 'team-a/oscar-dev'],
  operator: ['team-a/alice-dev', 'team-a/nina-dev', 'team-a/oscar-dev'],
  viewer: ['team-a/alice-dev', 'team-a/nina-dev', 'team-a/oscar-dev'],
  otherTeam: ['team-b/bob-dev'],
  // the owner rule alone: nina owns team-a/nina-dev (spec.owner compared case-insensitively)
  noTeam: ['team-a/nina-dev'],
};

/** POST start on team-a/oscar-dev (owned by the operator): the status each role gets. */
const START_OSCAR: Record<Role, number> = {
  platformAdmin: 202,
  teamAdmin: 202,
  operator: 202,
  viewer: 403, // reads it, may not operate it
  otherTeam: 404, // may not even read it: not found, its existence is not confirmed
  noTeam: 404,
};

/** POST stop on team-a/nina-dev (owned by nina, who has no team). */
const STOP_NINA: Record<Role, number> = {
  platformAdmin: 202,
  teamAdmin: 202,
  operator: 202,
  viewer: 403,
  otherTeam: 404,
  noTeam: 202, // the owner operates their own workspace
};

/**
 * GET the kubeconfig of team-a/dev and team-b/b-prod: the status each role gets. A cluster the
 * caller may not even read is 404, as on the cluster routes (its existence is not confirmed).
 */
const KUBECONFIG: Record<Role, Record<string, number>> = {
  platformAdmin: { 'team-a/dev': 200, 'team-b/b-prod': 200 },
  teamAdmin: { 'team-a/dev': 200, 'team-b/b-prod': 404 },
  operator: { 'team-a/dev': 200, 'team-b/b-prod': 404 },
  viewer: { 'team-a/dev': 403, 'team-b/b-prod': 404 }, // reads the cluster, never its credentials
  otherTeam: { 'team-a/dev': 404, 'team-b/b-prod': 200 },
  noTeam: { 'team-a/dev': 404, 'team-b/b-prod': 404 },
};

/**
 * What each role reads (butler.cluster.read, butler.addon.read, butler.team.read): the tenant
 * clusters of its teams (an addon with its cluster) and its teams; a user in no team reads an
 * empty list, not a refusal.
 */
const READS: Record<Role, { clusters: string[]; teams: string[] }> = {
  platformAdmin: {
    clusters: ['team-a/dev', 'team-b/b-prod'],
    teams: ['team-a', 'team-b'],
  },
  teamAdmin: { clusters: ['team-a/dev'], teams: ['team-a'] },
  operator: { clusters: ['team-a/dev'], teams: ['team-a'] },
  viewer: { clusters: ['team-a/dev'], teams: ['team-a'] },
  otherTeam: { clusters: ['team-b/b-prod'], teams: ['team-b'] },
  noTeam: { clusters: [], teams: [] },
};
const addonsOf = (clusters: string[]) =>
  TENANT_ADDONS.filter(a => clusters.includes(`${a.namespace}/${a.cluster}`))
    .map(a => `${a.namespace}/${a.name}`)
    .sort();

/**
 * A terminal into a pod of each tenant cluster (butler.cluster.terminal, .write): the session's
 * mode each role gets, or the ticket's refusal — 404 for a cluster the caller may not read
 * (butler.cluster.read), as the cluster routes answer it: its existence is not confirmed.
 */
const TERMINAL: Record<
  Role,
  Record<string, 'read-write' | 'read-only' | 404>
> = {
  platformAdmin: { 'team-a/dev': 'read-write', 'team-b/b-prod': 'read-write' },
  teamAdmin: { 'team-a/dev': 'read-write', 'team-b/b-prod': 404 },
  operator: { 'team-a/dev': 'read-write', 'team-b/b-prod': 404 },
  viewer: { 'team-a/dev': 'read-only', 'team-b/b-prod': 404 }, // watches, never types
  otherTeam: { 'team-a/dev': 404, 'team-b/b-prod': 'read-write' },
  noTeam: { 'team-a/dev': 404, 'team-b/b-prod': 404 },
};

/** Opens the terminal's WebSocket with a ticket; resolves with the session's mode. */
function sessionMode(wsUrl: string, ticket: string): Promise<string> {
  const ws = new WebSocket(wsUrl, ['butler.terminal.v1', `ticket.${ticket}`], {
    headers: { Origin: APP_ORIGIN },
  });
  return new Promise((resolve, reject) => {
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString('utf8'));
      if (frame.type === 'session') {
        ws.close();
        resolve(frame.mode);
      }
    });
    ws.on('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused: ${res.statusCode}`)),
    );
    ws.on('error', reject);
  });
}

const sorted = (items: Array<{ namespace: string; name: string }>) =>
  items.map(w => `${w.namespace}/${w.name}`).sort();

describe('permission-backend-module-butler with a management cluster', () => {
  let backend: Awaited<ReturnType<typeof startClusterMatrix>>;

  beforeAll(async () => {
    backend = await startClusterMatrix();
    // the policy reads the inventory's watches: wait until Teams, Users and Workspaces are in
    const deadline = Date.now() + 20_000;
    for (;;) {
      const res = await backend.api
        .get('/api/butler/workspaces')
        .set(backend.as(CAST.platformAdmin));
      const teams = await backend.api
        .get('/api/butler/teams')
        .set(backend.as(CAST.platformAdmin));
      const addons = await backend.api
        .get('/api/butler/addons')
        .set(backend.as(CAST.platformAdmin));
      if (
        res.status === 200 &&
        res.body.items.length === 4 &&
        teams.status === 200 &&
        (teams.body.items ?? teams.body).length === 2 &&
        addons.status === 200 &&
        addons.body.items.length === TENANT_ADDONS.length
      ) {
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the test cluster was not synced: ${res.status} ${JSON.stringify(
            res.body,
          )}`,
        );
      }
      await new Promise(r => setTimeout(r, 100));
    }
  });

  afterAll(() => backend?.stop());

  it('has a rule for every permission the portal declares', () => {
    for (const p of ALL_PORTAL_PERMISSIONS) {
      expect([p.name, PORTAL_RULES.has(p.name)]).toEqual([p.name, true]);
    }
    // and the matrix covers every basic one plus the resource ones asserted below
    expect(
      [
        ...BASIC.map(([p]) => p.name),
        ...OWNING.map(([p]) => p.name),
        ...READS_OF_FILES.map(([p]) => p.name),
        butlerClusterReadPermission.name,
        butlerAddonReadPermission.name,
        butlerTeamReadPermission.name,
        butlerClusterTerminalPermission.name,
        butlerClusterTerminalWritePermission.name,
        butlerWorkspaceReadPermission.name,
        butlerWorkspaceOperatePermission.name,
        butlerWorkspaceTerminalPermission.name,
        butlerWorkspaceTerminalWritePermission.name,
        butlerClusterKubeconfigPermission.name,
      ].sort(),
    ).toEqual(ALL_PORTAL_PERMISSIONS.map(p => p.name).sort());
  });

  it.each(BASIC.map(([p, row]) => [p.name, p, row] as const))(
    'decides %s for each role through /api/permission/authorize',
    async (_name, permission, row) => {
      for (const role of ROLES) {
        const decision = await backend.decide(CAST[role], permission);
        expect([role, decision.result]).toEqual([role, row[role]]);
      }
    },
  );

  it.each(OWNING.map(([p, row]) => [p.name, p, row] as const))(
    'decides %s per role by the team owning the file (condition applied as the routes do)',
    async (_name, permission, row) => {
      for (const role of ROLES) {
        const [a, b, claimed, ninas] = await mayActOnFiles(
          backend,
          CAST[role],
          permission,
        );
        expect([role, a, b]).toEqual([role, ...row[role]]);
        // a declared owner wins over the folder: team-b's file, wherever it is
        expect([role, claimed]).toEqual([role, row[role][1]]);
        // a Workspace's owner (nina) reads her file but changes it only as team-a may
        expect([role, ninas]).toEqual([role, row[role][0]]);
      }
    },
  );

  it.each(READS_OF_FILES.map(([p, row]) => [p.name, p, row] as const))(
    "decides %s per role: the own teams' files and nobody's (condition applied as the gitops routes do)",
    async (_name, permission, row) => {
      for (const role of ROLES) {
        const [a, b, nobodys, claimed, ninas] = await mayReadFiles(
          backend,
          CAST[role],
          permission,
        );
        expect([role, a, b, nobodys]).toEqual([role, ...row[role]]);
        expect([role, claimed]).toEqual([role, row[role][1]]);
        // a Workspace file is read by its owner too (nina, in no team), as by team-a's members
        expect([role, ninas]).toEqual([
          role,
          row[role][0] || role === 'noTeam',
        ]);
      }
    },
  );

  it('lets a platform viewer read every file and pipeline, and change none', async () => {
    const client = butlerClient(backend.kube.kubeconfig);
    await client.mergePatch('User', 'nina', {
      spec: { platformRole: 'viewer' },
    });
    try {
      const deadline = Date.now() + 5_000;
      let result = '';
      while (Date.now() < deadline) {
        result = (
          await backend.decide(CAST.noTeam, gitopsResourceReadPermission)
        ).result;
        if (result === 'ALLOW') break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(result).toBe('ALLOW');
      expect(
        (await backend.decide(CAST.noTeam, pipelineReadPermission)).result,
      ).toBe('ALLOW');
      expect(
        await mayActOnFiles(backend, CAST.noTeam, gitopsChangeCreatePermission),
      ).toEqual([false, false, false, false]);
    } finally {
      await client.mergePatch('User', 'nina', { spec: { platformRole: '' } });
    }
  });

  it.each(ROLES)(
    'lists only the workspaces %s may read (filtered before sending)',
    async role => {
      const res = await backend.api
        .get('/api/butler/workspaces')
        .set(backend.as(CAST[role]))
        .expect(200);
      expect(sorted(res.body.items)).toEqual(VISIBLE[role]);
    },
  );

  it.each(ROLES)(
    'reads a single workspace as %s only where it may',
    async role => {
      for (const ref of ['team-a/oscar-dev', 'team-b/bob-dev']) {
        const res = await backend.api
          .get(`/api/butler/workspaces/${ref}`)
          .set(backend.as(CAST[role]));
        const expected = VISIBLE[role].includes(ref) ? 200 : 404;
        expect([ref, res.status]).toEqual([ref, expected]);
      }
    },
  );

  it.each(ROLES)(
    'starts and stops workspaces as %s only where allowed',
    async role => {
      const start = await backend.api
        .post('/api/butler/workspaces/team-a/oscar-dev/start')
        .set(backend.as(CAST[role]));
      expect([role, 'start oscar-dev', start.status]).toEqual([
        role,
        'start oscar-dev',
        START_OSCAR[role],
      ]);
      const stop = await backend.api
        .post('/api/butler/workspaces/team-a/nina-dev/stop')
        .set(backend.as(CAST[role]));
      expect([role, 'stop nina-dev', stop.status]).toEqual([
        role,
        'stop nina-dev',
        STOP_NINA[role],
      ]);
      // team b's admin operates team b's workspace; nobody of team a does (except the platform admin)
      const stopBob = await backend.api
        .post('/api/butler/workspaces/team-b/bob-dev/stop')
        .set(backend.as(CAST[role]));
      const bobExpected =
        role === 'platformAdmin' || role === 'otherTeam' ? 202 : 404;
      expect([role, 'stop bob-dev', stopBob.status]).toEqual([
        role,
        'stop bob-dev',
        bobExpected,
      ]);
    },
  );

  it.each(ROLES)(
    "downloads a tenant cluster's kubeconfig as %s only for the clusters of a team where admin or operator",
    async role => {
      for (const c of TENANT_CLUSTERS) {
        const ref = `${c.namespace}/${c.name}`;
        const res = await backend.api
          .get(`/api/butler/clusters/${ref}/kubeconfig`)
          .set(backend.as(CAST[role]))
          .buffer(true)
          .parse((r, done) => {
            let text = '';
            r.on('data', (chunk: Buffer) => (text += chunk.toString()));
            r.on('end', () => done(null, text));
          });
        const expected = KUBECONFIG[role][ref];
        expect([role, ref, res.status]).toEqual([role, ref, expected]);
        // not readable: the cluster routes' answer, the same as for a name that does not exist
        expect([
          role,
          ref,
          expected === 404 ? JSON.parse(res.body).error.message : expected,
        ]).toEqual([
          role,
          ref,
          expected === 404
            ? `no TenantCluster ${ref} among the clusters of your teams`
            : expected,
        ]);
        // served: the Secret's content; refused: not a byte of it
        expect(res.status === 200 ? res.body : 'refused').toEqual(
          expected === 200 ? backend.kubeconfigs[ref] : 'refused',
        );
        // the page's usePermission asks with the resourceRef: the permission backend applies
        // the condition through the butler plugin's registered resource type, same answer
        const decided = await backend.api
          .post('/api/permission/authorize')
          .set(backend.as(CAST[role]))
          .send({
            items: [
              {
                id: '1',
                permission: butlerClusterKubeconfigPermission,
                resourceRef: ref,
              },
            ],
          })
          .expect(200);
        expect([role, ref, decided.body.items[0].result]).toEqual([
          role,
          ref,
          KUBECONFIG[role][ref] === 200 ? 'ALLOW' : 'DENY',
        ]);
      }
      // a name that does not exist: what a cluster one may not read gets, so a probe learns nothing
      const unknown = await backend.api
        .get('/api/butler/clusters/team-a/nope/kubeconfig')
        .set(backend.as(CAST[role]));
      expect([role, unknown.status, unknown.body.error?.message]).toEqual([
        role,
        404,
        'no TenantCluster team-a/nope among the clusters of your teams',
      ]);
    },
  );

  it.each(ROLES)(
    'lists as %s only the clusters, addons and teams the policy lets it read, and reads no other',
    async role => {
      const read = async (path: string) => {
        const res = await backend.api
          .get(`/api/butler/${path}`)
          .set(backend.as(CAST[role]))
          .expect(200);
        // a team by its name; a cluster or an addon by namespace/name
        return res.body.items
          .map((i: { namespace?: string; name: string }) =>
            path === 'teams' ? i.name : `${i.namespace}/${i.name}`,
          )
          .sort();
      };
      const { clusters, teams } = READS[role];
      expect([role, await read('clusters')]).toEqual([role, clusters]);
      expect([role, await read('addons')]).toEqual([role, addonsOf(clusters)]);
      expect([role, await read('teams')]).toEqual([role, teams]);
      // a single object out of scope is not found, named as the routes name it
      for (const c of TENANT_CLUSTERS) {
        const one = await backend.api
          .get(`/api/butler/clusters/${c.ref}`)
          .set(backend.as(CAST[role]));
        const readable = clusters.includes(c.ref);
        expect([role, c.ref, one.status, one.body.error?.message]).toEqual([
          role,
          c.ref,
          readable ? 200 : 404,
          readable
            ? undefined
            : `no TenantCluster ${c.ref} among the clusters of your teams`,
        ]);
        const [addon] = addonsOf([c.ref]);
        const addonRes = await backend.api
          .get(`/api/butler/addons/${addon}`)
          .set(backend.as(CAST[role]));
        expect([role, addon, addonRes.status]).toEqual([
          role,
          addon,
          readable ? 200 : 404,
        ]);
        // a page's usePermission with the cluster: the same answer
        for (const permission of [
          butlerClusterReadPermission,
          butlerAddonReadPermission,
        ]) {
          const decided = await backend.api
            .post('/api/permission/authorize')
            .set(backend.as(CAST[role]))
            .send({ items: [{ id: '1', permission, resourceRef: c.ref }] })
            .expect(200);
          expect([
            role,
            permission.name,
            c.ref,
            decided.body.items[0].result,
          ]).toEqual([
            role,
            permission.name,
            c.ref,
            readable ? 'ALLOW' : 'DENY',
          ]);
        }
      }
      for (const name of ['team-a', 'team-b']) {
        const one = await backend.api
          .get(`/api/butler/teams/${name}`)
          .set(backend.as(CAST[role]));
        expect([role, name, one.status]).toEqual([
          role,
          name,
          teams.includes(name) ? 200 : 404,
        ]);
        const decided = await backend.api
          .post('/api/permission/authorize')
          .set(backend.as(CAST[role]))
          .send({
            items: [
              {
                id: '1',
                permission: butlerTeamReadPermission,
                resourceRef: name,
              },
            ],
          })
          .expect(200);
        expect([role, name, decided.body.items[0].result]).toEqual([
          role,
          name,
          teams.includes(name) ? 'ALLOW' : 'DENY',
        ]);
      }
      // the caller's own identity answers everyone the policy does not refuse
      const me = await backend.api
        .get('/api/butler/me')
        .set(backend.as(CAST[role]))
        .expect(200);
      expect([
        role,
        me.body.teams.map((t: { name: string }) => t.name).sort(),
      ]).toEqual([role, role === 'platformAdmin' ? [] : teams]);
    },
  );

  it.each(ROLES)(
    "opens a tenant cluster's terminal as %s only where allowed, read-only unless allowed to type",
    async role => {
      for (const c of TENANT_CLUSTERS) {
        const expected = TERMINAL[role][c.ref];
        const ticket = await backend.api
          .post('/api/terminal/tickets')
          .set(backend.as(CAST[role]))
          .send({
            kind: 'cluster',
            namespace: c.namespace,
            name: c.name,
            pod: APP_POD,
          });
        // a ticket (201) opens a session whose mode says whether keystrokes reach the process
        const outcome =
          ticket.status === 201
            ? await sessionMode(backend.wsUrl, ticket.body.ticket)
            : ticket.status;
        expect([role, c.ref, outcome, ticket.body.error?.message]).toEqual([
          role,
          c.ref,
          expected,
          expected === 404 ? `tenant cluster ${c.ref} not found` : undefined,
        ]);
        // the terminal's pod list: the same refusal, else whether the sessions are writable
        const pods = await backend.api
          .get(`/api/terminal/clusters/${c.ref}/pods`)
          .set(backend.as(CAST[role]));
        expect([role, c.ref, pods.status, pods.body.writable]).toEqual([
          role,
          c.ref,
          expected === 404 ? 404 : 200,
          expected === 404 ? undefined : expected === 'read-write',
        ]);
        // a page's usePermission with the cluster: the same answers
        for (const [permission, allowed] of [
          [butlerClusterTerminalPermission, expected !== 404],
          [butlerClusterTerminalWritePermission, expected === 'read-write'],
        ] as const) {
          const decided = await backend.api
            .post('/api/permission/authorize')
            .set(backend.as(CAST[role]))
            .send({ items: [{ id: '1', permission, resourceRef: c.ref }] })
            .expect(200);
          expect([
            role,
            permission.name,
            c.ref,
            decided.body.items[0].result,
          ]).toEqual([
            role,
            permission.name,
            c.ref,
            allowed ? 'ALLOW' : 'DENY',
          ]);
        }
      }
    },
  );

  it.each(ROLES)(
    'answers a workspace page asking as %s with the workspace (usePermission), as the routes decide',
    async role => {
      for (const [ref, expected] of [
        ['team-a/oscar-dev', START_OSCAR[role]],
        ['team-a/nina-dev', STOP_NINA[role]],
      ] as const) {
        const decided = await backend.api
          .post('/api/permission/authorize')
          .set(backend.as(CAST[role]))
          .send({
            items: [
              {
                id: '1',
                permission: butlerWorkspaceOperatePermission,
                resourceRef: ref,
              },
              {
                id: '2',
                permission: butlerWorkspaceReadPermission,
                resourceRef: ref,
              },
            ],
          })
          .expect(200);
        expect([
          role,
          ref,
          decided.body.items.map((i: { result: string }) => i.result),
        ]).toEqual([
          role,
          ref,
          [
            expected === 202 ? 'ALLOW' : 'DENY',
            expected === 404 ? 'DENY' : 'ALLOW',
          ],
        ]);
      }
    },
  );

  it('lets a platform viewer read every cluster, addon and team and watch terminals, never a kubeconfig or keystroke', async () => {
    const client = butlerClient(backend.kube.kubeconfig);
    await client.mergePatch('User', 'nina', {
      spec: { platformRole: 'viewer' },
    });
    try {
      const deadline = Date.now() + 5_000;
      let clusters: string[] = [];
      while (Date.now() < deadline) {
        const res = await backend.api
          .get('/api/butler/clusters')
          .set(backend.as(CAST.noTeam))
          .expect(200);
        clusters = sorted(res.body.items);
        if (clusters.length === TENANT_CLUSTERS.length) break;
        await new Promise(r => setTimeout(r, 50));
      }
      expect(clusters).toEqual(['team-a/dev', 'team-b/b-prod']);
      const addons = await backend.api
        .get('/api/butler/addons')
        .set(backend.as(CAST.noTeam))
        .expect(200);
      expect(sorted(addons.body.items)).toEqual(
        addonsOf(['team-a/dev', 'team-b/b-prod']),
      );
      const teams = await backend.api
        .get('/api/butler/teams')
        .set(backend.as(CAST.noTeam))
        .expect(200);
      expect(
        teams.body.items.map((t: { name: string }) => t.name).sort(),
      ).toEqual(['team-a', 'team-b']);
      // reads the cluster, not its credentials: 403, not 404
      await backend.api
        .get('/api/butler/clusters/team-a/dev/kubeconfig')
        .set(backend.as(CAST.noTeam))
        .expect(403);
      const ticket = await backend.api
        .post('/api/terminal/tickets')
        .set(backend.as(CAST.noTeam))
        .send({
          kind: 'cluster',
          namespace: 'team-a',
          name: 'dev',
          pod: APP_POD,
        })
        .expect(201);
      expect(await sessionMode(backend.wsUrl, ticket.body.ticket)).toBe(
        'read-only',
      );
    } finally {
      await client.mergePatch('User', 'nina', { spec: { platformRole: '' } });
    }
  });

  it('returns the workspace decision as a condition (owner, owning team) to the backend', async () => {
    const decision = await backend.decide(
      CAST.operator,
      butlerWorkspaceOperatePermission,
    );
    expect(decision).toEqual({
      id: '1',
      result: 'CONDITIONAL',
      pluginId: 'butler',
      resourceType: 'butler-workspace',
      conditions: {
        anyOf: [
          {
            rule: 'IS_WORKSPACE_OWNER',
            resourceType: 'butler-workspace',
            params: { owners: ['oscar@example.com'] },
          },
          {
            rule: 'IS_MEMBER_OF_OWNING_TEAM',
            resourceType: 'butler-workspace',
            params: { teams: ['team-a'] },
          },
        ],
      },
    });
    // what the backend makes of it: the workspace's owner, its team, and a 403 naming both
    const read = await backend.api
      .get('/api/butler/workspaces/team-a/oscar-dev')
      .set(backend.as(CAST.viewer))
      .expect(200);
    expect(read.body.owner).toBe('oscar@example.com');
    const refused = await backend.api
      .post('/api/butler/workspaces/team-a/oscar-dev/start')
      .set(backend.as(CAST.viewer))
      .expect(403);
    expect(refused.body.error.message).toBe(
      'user:default/vera is not allowed butler.workspace.operate on workspace team-a/oscar-dev',
    );
    // the viewer reads team a's workspaces, but operates only their own (they own none)
    const viewerOperate = await backend.decide(
      CAST.viewer,
      butlerWorkspaceOperatePermission,
    );
    expect(viewerOperate.conditions).toEqual({
      anyOf: [
        {
          rule: 'IS_WORKSPACE_OWNER',
          resourceType: 'butler-workspace',
          params: { owners: ['vera@example.com'] },
        },
      ],
    });
  });

  it('refuses a disabled User everything, and portal permissions without a rule', async () => {
    for (const p of [
      gitopsResourceReadPermission,
      butlerWorkspaceReadPermission,
    ]) {
      expect((await backend.decide('user:default/mallory', p)).result).toBe(
        'DENY',
      );
    }
    await backend.api
      .get('/api/butler/workspaces')
      .set(backend.as('user:default/mallory'))
      .expect(403);
    // a kubeconfig: the same refusal for a cluster that exists and one that does not
    for (const ref of ['team-a/dev', 'team-a/nope']) {
      const res = await backend.api
        .get(`/api/butler/clusters/${ref}/kubeconfig`)
        .set(backend.as('user:default/mallory'));
      expect([ref, res.status, res.body.error?.message]).toEqual([
        ref,
        403,
        'user:default/mallory is not allowed butler.cluster.read',
      ]);
    }
    // a portal permission without a row is refused to everyone, platform admins included
    const unknown = createPermission({
      name: 'gitops.unheard.of',
      attributes: {},
    });
    expect((await backend.decide(CAST.platformAdmin, unknown)).result).toBe(
      'DENY',
    );
    // not the portal's: Backstage's own permissions stay allowed for signed-in users...
    const locationRead = createPermission({
      name: 'catalog.location.read',
      attributes: { action: 'read' },
    });
    expect((await backend.decide(CAST.noTeam, locationRead)).result).toBe(
      'ALLOW',
    );
    // ... except the catalog's writes, which are platform admins' (entities come from Git and
    // the management cluster): refused to every other role, team admins included
    for (const name of [
      'catalog.entity.create',
      'catalog.location.create',
      'catalog.location.delete',
    ]) {
      const write = createPermission({ name, attributes: {} });
      for (const role of ROLES) {
        expect([
          name,
          role,
          (await backend.decide(CAST[role], write)).result,
        ]).toEqual([name, role, role === 'platformAdmin' ? 'ALLOW' : 'DENY']);
      }
    }
    const unregister = createPermission({
      name: 'catalog.entity.delete',
      attributes: { action: 'delete' },
      resourceType: 'catalog-entity',
    });
    expect((await backend.decide(CAST.teamAdmin, unregister)).result).toBe(
      'DENY',
    );
    expect((await backend.decide(CAST.platformAdmin, unregister)).result).toBe(
      'ALLOW',
    );
    // ... and reading catalog entities: GitOps ones by owning team, a condition the
    // catalog applies (catalogEntityRead; through a real catalog: catalog-backend-module-gitops)
    const catalogRead = createPermission({
      name: 'catalog.entity.read',
      attributes: { action: 'read' },
      resourceType: 'catalog-entity',
    });
    expect(await backend.decide(CAST.noTeam, catalogRead)).toMatchObject({
      result: 'CONDITIONAL',
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
    });
    expect((await backend.decide(CAST.platformAdmin, catalogRead)).result).toBe(
      'ALLOW',
    );
  });

  it('follows a change of role on the cluster without a restart', async () => {
    const client = butlerClient(backend.kube.kubeconfig);
    await client.mergePatch('User', 'nina', {
      spec: { platformRole: 'admin' },
    });
    const deadline = Date.now() + 5_000;
    let result = '';
    while (Date.now() < deadline) {
      result = (
        await backend.decide(CAST.noTeam, registryTokenRevokePermission)
      ).result;
      if (result === 'ALLOW') break;
      await new Promise(r => setTimeout(r, 50));
    }
    expect(result).toBe('ALLOW');
    await client.mergePatch('User', 'nina', { spec: { platformRole: '' } });
  });
});

describe('permission-backend-module-butler without a cluster (catalog Groups)', () => {
  const group = (name: string, annotations: Record<string, string> = {}) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'team', children: [] },
  });
  const catalogUser = (
    name: string,
    annotations: Record<string, string> = {},
  ) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default', annotations },
    spec: { profile: { email: `${name}@example.com` }, memberOf: [] },
  });
  let backend: MatrixBackend;

  beforeAll(async () => {
    backend = await startCatalogMatrix({
      entities: [
        group('platform', { 'butler.butlerlabs.dev/platform-admin': 'true' }),
        group('team-a', {
          'butler.butlerlabs.dev/member-roles':
            'alice@example.com=admin, oscar=operator, broken, x=superuser',
        }),
        group('team-b', { 'butler.butlerlabs.dev/default-role': 'admin' }),
        ...['root', 'alice', 'oscar', 'vera', 'bob', 'nina'].map(n =>
          catalogUser(n),
        ),
        catalogUser('guest'),
      ],
      groups: {
        [CAST.platformAdmin]: ['group:default/platform'],
        [CAST.teamAdmin]: ['group:default/team-a'],
        [CAST.operator]: ['group:default/team-a'],
        [CAST.viewer]: ['group:default/team-a'],
        [CAST.otherTeam]: ['group:default/team-b'],
      },
      config: {
        permission: {
          enabled: true,
          butler: { platformAdmins: ['user:default/guest'] },
        },
      },
    });
  });

  afterAll(() => backend?.stop());

  it.each(BASIC.map(([p, row]) => [p.name, p, row] as const))(
    'decides %s for each role from catalog Groups',
    async (_name, permission, row) => {
      for (const role of ROLES) {
        const decision = await backend.decide(CAST[role], permission);
        expect([role, decision.result]).toEqual([role, row[role]]);
      }
    },
  );

  it.each(OWNING.map(([p, row]) => [p.name, p, row] as const))(
    'decides %s per role by the team owning the file, from catalog Groups',
    async (_name, permission, row) => {
      for (const role of ROLES) {
        const [a, b] = await mayActOnFiles(backend, CAST[role], permission);
        expect([role, a, b]).toEqual([role, ...row[role]]);
      }
    },
  );

  it.each(READS_OF_FILES.map(([p, row]) => [p.name, p, row] as const))(
    "decides %s per role from catalog Groups: the own teams' files and nobody's",
    async (_name, permission, row) => {
      for (const role of ROLES) {
        const [a, b, nobodys] = await mayReadFiles(
          backend,
          CAST[role],
          permission,
        );
        expect([role, a, b, nobodys]).toEqual([role, ...row[role]]);
      }
    },
  );

  it('decides the cluster, addon and team reads per role from catalog Groups (conditions applied as the butler routes do)', async () => {
    for (const role of ROLES) {
      for (const permission of [
        butlerClusterReadPermission,
        butlerAddonReadPermission,
      ]) {
        const d = await backend.decide(CAST[role], permission);
        const reads = TENANT_CLUSTERS.filter(c =>
          d.result === 'CONDITIONAL'
            ? matchesButlerCluster(d.conditions, c)
            : d.result === 'ALLOW',
        ).map(c => c.ref);
        expect([role, permission.name, reads]).toEqual([
          role,
          permission.name,
          READS[role].clusters,
        ]);
      }
      const d = await backend.decide(CAST[role], butlerTeamReadPermission);
      const teams = ['team-a', 'team-b'].filter(name =>
        d.result === 'CONDITIONAL'
          ? matchesButlerTeam(d.conditions, { name })
          : d.result === 'ALLOW',
      );
      expect([role, teams]).toEqual([role, READS[role].teams]);
    }
  });

  it('makes the configured guest a platform admin (the embedded default)', async () => {
    for (const p of ALL_PORTAL_PERMISSIONS) {
      expect([
        p.name,
        (await backend.decide('user:default/guest', p)).result,
      ]).toEqual([p.name, 'ALLOW']);
    }
  });

  it('answers the workspace routes with the reason when no cluster is configured', async () => {
    const res = await backend.api
      .get('/api/butler/workspaces')
      .set(backend.as(CAST.teamAdmin));
    expect(res.status).toBe(503);
    const decision = await backend.decide(
      CAST.viewer,
      butlerWorkspaceReadPermission,
    );
    expect(decision.conditions).toEqual({
      anyOf: [
        {
          rule: 'IS_WORKSPACE_OWNER',
          resourceType: 'butler-workspace',
          params: { owners: ['vera@example.com'] },
        },
        {
          rule: 'IS_MEMBER_OF_OWNING_TEAM',
          resourceType: 'butler-workspace',
          params: { teams: ['team-a'] },
        },
      ],
    });
  });
});
