/*
 * Reading is limited by the owning team, through the real routes: the policy's read condition
 * (a member of the file's owning team, or a file no team owns; gitops-common's rules) is applied
 * by the gitops backend BEFORE paging: GET /resources (and so the Herald pipeline list), a single
 * resource (404 as if missing), GET /changes (a change whose every file the caller reads) and a
 * single change; a platform viewer reads everything. A file naming the caller its owner (a
 * Workspace's spec.owner, IS_FILE_OWNER) is theirs to read too, whatever their teams. The resource
 * type registered with the permissions registry answers a decision asked with
 * `<repository>:<path>`.
 */
import fs from 'fs';
import path from 'path';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsResourceConditions,
  GITOPS_RESOURCE_RESOURCE_TYPE,
} from '@butler-portal/plugin-gitops-common';
import request from 'supertest';
import {
  CREATE,
  git,
  GUEST,
  LAYOUTS_DIR,
  startPortal,
  WORKSPACE,
} from '../__testUtils__/startTestPortal';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice'; // member of team-a
const BOB = 'user:default/bob'; // member of team-b
const VERA = 'user:default/vera'; // platform viewer
const NINA = 'user:default/nina'; // in no team; owns the Workspace team-b/nina-dev
const OLGA = 'user:default/olga'; // reviews pipelines (a code owner), may do everything here
const TEAM: Record<string, string> = { [ALICE]: 'team-a', [BOB]: 'team-b' };
const EMAIL: Record<string, string> = {
  [ALICE]: 'alice@example.com',
  [BOB]: 'bob@example.com',
  [NINA]: 'nina@example.com',
};
const as = (ref: string) => ({
  Authorization: mockCredentials.user.header(ref),
});

const unowned = gitopsResourceConditions.hasNoOwningTeam({
  teamNamespaces: ['team-a', 'team-b'],
});

/** the Butler policy's read answers (the guest, a platform admin, may do everything) */
function policy(name: string, user?: string) {
  if (user === GUEST || user === OLGA) return AuthorizeResult.ALLOW;
  if (name !== 'gitops.resource.read' && name !== 'pipeline.read') {
    // alice reviews, merges and closes her team's changes (a 403 on another team's would name it)
    if (user === ALICE && /^gitops\.change\.(review|merge|close)$/.test(name)) {
      return {
        result: AuthorizeResult.CONDITIONAL as AuthorizeResult.CONDITIONAL,
        pluginId: 'gitops',
        resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
        conditions: gitopsResourceConditions.isOwningTeamMember({
          teams: ['team-a'],
          namespaces: ['team-a'],
        }),
      };
    }
    return AuthorizeResult.DENY;
  }
  if (user === VERA) return AuthorizeResult.ALLOW;
  const team = user && TEAM[user];
  const email = user && EMAIL[user];
  const [first, ...rest] = [
    ...(team
      ? [
          gitopsResourceConditions.isOwningTeamMember({
            teams: [team],
            namespaces: [team],
          }),
        ]
      : []),
    unowned,
    ...(email
      ? [gitopsResourceConditions.isFileOwner({ owners: [email] })]
      : []),
  ];
  return {
    result: AuthorizeResult.CONDITIONAL as AuthorizeResult.CONDITIONAL,
    pluginId: 'gitops',
    resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
    conditions: rest.length ? { anyOf: [first, ...rest] } : first,
  };
}

const workspace = (namespace: string, name: string, owner?: string) => ({
  ...CREATE,
  namespace,
  name,
  resource: {
    ...WORKSPACE,
    metadata: { name, namespace },
    ...(owner && { spec: { ...WORKSPACE.spec, owner } }),
  },
});

/** team-a's pipeline of the repo layout, as team-b's */
const teamBPipeline = () => ({
  operation: 'create',
  kind: 'pipelines',
  namespace: 'team-b',
  name: 'app-logs',
  yaml: fs
    .readFileSync(
      path.join(LAYOUTS_DIR, 'platform/pipelines/team-a/app-logs.yaml'),
      'utf8',
    )
    .replace(/team-a/g, 'team-b'),
});

type Row = { kind: string; namespace: string; name: string };
const key = (r: Row) => `${r.kind} ${r.namespace}/${r.name}`;

describe('reading limited by the owning team', () => {
  let api: ReturnType<typeof request>;
  let bare: string;
  const ids: Record<string, string> = {};
  let number = 0;
  const open = async (name: string, body: object) => {
    await api.post('/api/gitops/changes').set(as(GUEST)).send(body).expect(201);
    number += 1;
    ids[name] = encodeURIComponent(`platform:${number}`);
    return ids[name];
  };
  const merge = async (name: string, body: object) => {
    const id = await open(name, body);
    for (const reviewer of [GUEST, OLGA]) {
      await api
        .post(`/api/gitops/changes/${id}/reviews`)
        .set(as(reviewer))
        .send({ decision: 'approve' })
        .expect(201);
    }
    const merged = await api
      .post(`/api/gitops/changes/${id}/merge`)
      .set(as(GUEST));
    expect([merged.status, merged.body.error?.message]).toEqual([
      200,
      undefined,
    ]);
  };

  beforeAll(async () => {
    const { server, dir } = await startPortal({
      permission: policy,
      // pipelines are the observability team's to approve (repo-layouts/platform/CODEOWNERS)
      moreEntities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'olga' },
          spec: {
            profile: { email: 'olga@example.com' },
            memberOf: ['observability-team'],
          },
        },
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'observability-team' },
          spec: { type: 'team', children: [] },
        },
      ],
    });
    api = request(server);
    bare = path.join(dir.path, 'platform.git');
    // merged: team-b's workspace and pipeline, a workspace in a namespace no team has
    await merge('b-dev', workspace('team-b', 'b-dev'));
    await merge('b-logs', teamBPipeline());
    await merge('commons-dev', workspace('commons', 'commons-dev'));
    // nina's workspace in team-b, a team she is not in (the owner's email in another case)
    await merge(
      'nina-dev',
      workspace('team-b', 'nina-dev', 'Nina@Example.com'),
    );
    // open: one change per owner
    await open('a-open', workspace('team-a', 'a-open'));
    await open('b-open', workspace('team-b', 'b-open'));
    await open('commons-open', workspace('commons', 'commons-open'));
  });

  const resources = async (who: string, query = '') =>
    (
      await api.get(`/api/gitops/resources${query}`).set(as(who)).expect(200)
    ).body.items.map(key) as string[];

  /** every page of a listing at `limit` rows a page, in order */
  const paged = async (who: string, url: string, limit: number) => {
    const rows: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const sep = url.includes('?') ? '&' : '?';
      const res = await api
        .get(
          `${url}${sep}limit=${limit}${
            cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
          }`,
        )
        .set(as(who))
        .expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(limit);
      // a page is full unless it is the last
      if (res.body.nextCursor) expect(res.body.items).toHaveLength(limit);
      rows.push(...res.body.items);
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    return { rows, pages };
  };

  it("lists a member's team files and the unowned ones, never another team's, paged after filtering", async () => {
    const alice = await resources(ALICE);
    expect(alice).toEqual(
      expect.arrayContaining([
        'Workspace team-a/alice-dev',
        'Pipeline team-a/app-logs',
        'Workspace commons/commons-dev',
      ]),
    );
    expect(alice.filter(r => r.includes(' team-b/'))).toEqual([]);

    const bob = await resources(BOB);
    expect(bob).toEqual(
      expect.arrayContaining([
        'Workspace team-b/b-dev',
        'Pipeline team-b/app-logs',
        'Workspace commons/commons-dev',
      ]),
    );
    expect(bob.filter(r => r.includes(' team-a/'))).toEqual([]);

    // no team: the files nobody owns, and her own Workspace (below)
    expect(await resources(NINA)).toEqual([
      'Workspace commons/commons-dev',
      'Workspace team-b/nina-dev',
    ]);

    // a platform viewer reads everything
    const vera = await resources(VERA);
    expect(vera).toEqual(expect.arrayContaining([...alice, ...bob]));
    expect(vera.length).toBeGreaterThan(alice.length);

    // pages of 1 hold exactly the filtered rows, in order, each once: counts and cursors hold
    const { rows, pages } = await paged(ALICE, '/api/gitops/resources', 1);
    expect(rows.map(key)).toEqual(alice);
    expect(pages).toBe(alice.length);
  });

  it('filters the Herald pipeline list the same way', async () => {
    expect(await resources(ALICE, '?kind=pipelines')).toEqual([
      'Pipeline team-a/app-logs',
    ]);
    expect(await resources(BOB, '?kind=Pipeline')).toEqual([
      'Pipeline team-b/app-logs',
    ]);
    expect(await resources(NINA, '?kind=pipelines')).toEqual([]);
    expect(await resources(VERA, '?kind=pipelines')).toEqual([
      'Pipeline team-a/app-logs',
      'Pipeline team-b/app-logs',
    ]);
  });

  it('answers a single file of another team 404, as a missing one, without its content', async () => {
    const foreign = await api
      .get('/api/gitops/resources/workspaces/team-b/b-dev')
      .set(as(ALICE))
      .expect(404);
    const missing = await api
      .get('/api/gitops/resources/workspaces/team-b/no-such')
      .set(as(ALICE))
      .expect(404);
    expect(foreign.body.error.message).toBe(
      missing.body.error.message.replace('no-such', 'b-dev'),
    );
    expect(JSON.stringify(foreign.body)).not.toContain('clusterRef');
    await api
      .get('/api/gitops/resources/pipelines/team-b/app-logs')
      .set(as(ALICE))
      .expect(404);
    await api
      .get('/api/gitops/resources/workspaces/team-a/alice-dev')
      .set(as(NINA))
      .expect(404);

    const own = await api
      .get('/api/gitops/resources/workspaces/team-b/b-dev')
      .set(as(BOB))
      .expect(200);
    expect(own.body.object.metadata).toEqual({
      name: 'b-dev',
      namespace: 'team-b',
    });
    await api
      .get('/api/gitops/resources/pipelines/team-a/app-logs')
      .set(as(VERA))
      .expect(200);
    await api
      .get('/api/gitops/resources/workspaces/commons/commons-dev')
      .set(as(NINA))
      .expect(200);
    // the open changes shown with a file are the ones the caller reads
    const nobodys = await api
      .get('/api/gitops/resources/workspaces/team-a/alice-dev')
      .set(as(ALICE))
      .expect(200);
    expect(nobodys.body.changes).toEqual([]);
  });

  const changeTitles = async (who: string, query: string) =>
    (
      await api.get(`/api/gitops/changes${query}`).set(as(who)).expect(200)
    ).body.items.map((c: any) => c.resources.map(key).join(',')) as string[];

  it('lists the changes whose every file the caller reads, paged after filtering', async () => {
    expect(await changeTitles(ALICE, '?state=open')).toEqual([
      'Workspace commons/commons-open',
      'Workspace team-a/a-open',
    ]);
    expect(await changeTitles(BOB, '?state=open')).toEqual([
      'Workspace commons/commons-open',
      'Workspace team-b/b-open',
    ]);
    expect(await changeTitles(NINA, '?state=open')).toEqual([
      'Workspace commons/commons-open',
    ]);
    expect(await changeTitles(VERA, '?state=open')).toHaveLength(3);

    // merged changes: team-b's two are not alice's; the kind filter composes with it
    expect(await changeTitles(ALICE, '?state=merged')).toEqual([
      'Workspace commons/commons-dev',
    ]);
    expect(await changeTitles(BOB, '?state=merged&kind=pipelines')).toEqual([
      'Pipeline team-b/app-logs',
    ]);
    expect(await changeTitles(ALICE, '?kind=pipelines')).toEqual([]);

    // team-b's five, and the one that created nina's workspace in team-b's folder
    const all = await changeTitles(BOB, '');
    expect(all).toHaveLength(6);
    const { rows, pages } = await paged(BOB, '/api/gitops/changes', 4);
    expect(rows.map((c: any) => c.resources.map(key).join(','))).toEqual(all);
    expect(pages).toBe(2);
  });

  it("answers another team's change 404, without its diff", async () => {
    const foreign = await api
      .get(`/api/gitops/changes/${ids['b-open']}`)
      .set(as(ALICE))
      .expect(404);
    expect(JSON.stringify(foreign.body)).not.toContain('b-open');
    await api
      .get(`/api/gitops/changes/${ids['b-logs']}`)
      .set(as(ALICE))
      .expect(404);
    await api
      .get(`/api/gitops/changes/${ids['a-open']}`)
      .set(as(NINA))
      .expect(404);

    const own = await api
      .get(`/api/gitops/changes/${ids['a-open']}`)
      .set(as(ALICE))
      .expect(200);
    expect(own.body.files).toHaveLength(1);
    await api
      .get(`/api/gitops/changes/${ids['commons-open']}`)
      .set(as(NINA))
      .expect(200);
    await api
      .get(`/api/gitops/changes/${ids['b-open']}`)
      .set(as(VERA))
      .expect(200);
  });

  it("shows a Workspace's owner outside its team their file, listed and by path, and its change; not the team's other files", async () => {
    // My workspaces: the Workspace files naming the user their owner
    expect(
      await resources(NINA, '?kind=Workspace&owner=nina@example.com'),
    ).toEqual(['Workspace team-b/nina-dev']);
    expect(await resources(NINA)).toEqual([
      'Workspace commons/commons-dev',
      'Workspace team-b/nina-dev',
    ]);
    const own = await api
      .get('/api/gitops/resources/workspaces/team-b/nina-dev')
      .set(as(NINA))
      .expect(200);
    expect(own.body.object.spec.owner).toBe('Nina@Example.com');
    // team-b's other files stay team-b's
    await api
      .get('/api/gitops/resources/workspaces/team-b/b-dev')
      .set(as(NINA))
      .expect(404);
    await api
      .get('/api/gitops/resources/pipelines/team-b/app-logs')
      .set(as(NINA))
      .expect(404);
    // and her file is not another team's member's to read
    await api
      .get('/api/gitops/resources/workspaces/team-b/nina-dev')
      .set(as(ALICE))
      .expect(404);
    expect(await resources(BOB)).toContain('Workspace team-b/nina-dev');

    // a change reads as every file it touches: the one that created her file is hers
    expect((await changeTitles(NINA, '?state=merged')).sort()).toEqual([
      'Workspace commons/commons-dev',
      'Workspace team-b/nina-dev',
    ]);
    await api
      .get(`/api/gitops/changes/${ids['nina-dev']}`)
      .set(as(NINA))
      .expect(200);
    await api
      .get(`/api/gitops/changes/${ids['b-dev']}`)
      .set(as(NINA))
      .expect(404);
    await api
      .get(`/api/gitops/changes/${ids['nina-dev']}`)
      .set(as(ALICE))
      .expect(404);
  });

  it('answers decisions asked with `<repository>:<path>` through the registered resource type', async () => {
    const apply = async (resourceRef: string, user = ALICE) => {
      const res = await api
        .post('/api/gitops/.well-known/backstage/permissions/apply-conditions')
        .set({ Authorization: mockCredentials.service.header() })
        .send({
          items: [
            {
              id: '1',
              resourceRef,
              resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
              conditions: (policy('gitops.resource.read', user) as any)
                .conditions,
            },
          ],
        })
        .expect(200);
      return res.body.items[0].result;
    };
    expect(await apply('platform:workspaces/team-a/alice-dev.yaml')).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await apply('platform:workspaces/commons/commons-dev.yaml')).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await apply('platform:workspaces/team-b/b-dev.yaml')).toBe(
      AuthorizeResult.DENY,
    );
    // a file a change would create: judged by its folder
    expect(await apply('platform:workspaces/team-a/not-yet.yaml')).toBe(
      AuthorizeResult.ALLOW,
    );
    // team-b's pipeline: not alice's
    expect(await apply('platform:pipelines/team-b/app-logs.yaml')).toBe(
      AuthorizeResult.DENY,
    );
    // IS_FILE_OWNER is a registered rule: nina's own Workspace file, not team-b's others
    expect(await apply('platform:workspaces/team-b/nina-dev.yaml', NINA)).toBe(
      AuthorizeResult.ALLOW,
    );
    expect(await apply('platform:workspaces/team-b/b-dev.yaml', NINA)).toBe(
      AuthorizeResult.DENY,
    );
  });
  it('answers a review, merge or close of a change the caller may not read 404, as GET does, naming nothing of it', async () => {
    const missing = encodeURIComponent('platform:9999');
    const notFound = (
      await api.get(`/api/gitops/changes/${missing}`).set(as(ALICE)).expect(404)
    ).body.error.message as string;
    for (const action of ['reviews', 'merge', 'close']) {
      for (const id of [ids['b-open'], ids['b-dev']]) {
        const res = await api
          .post(`/api/gitops/changes/${id}/${action}`)
          .set(as(ALICE))
          .send({ decision: 'approve' });
        expect([res.status, res.body.error?.message]).toEqual([
          404,
          notFound.replace('9999', decodeURIComponent(id).split(':')[1]),
        ]);
        expect(JSON.stringify(res.body)).not.toMatch(/team-b|b-open|b-dev/);
      }
    }
    // a change she reads and may act on: the write goes ahead
    await open('a-review', workspace('team-a', 'a-review'));
    await api
      .post(`/api/gitops/changes/${ids['a-review']}/reviews`)
      .set(as(ALICE))
      .send({ decision: 'approve' })
      .expect(201);
    await api
      .post(`/api/gitops/changes/${ids['a-review']}/close`)
      .set(as(ALICE))
      .expect(200);
    // one she reads but may not act on (no team owns it): 403, as before
    await api
      .post(`/api/gitops/changes/${ids['commons-open']}/reviews`)
      .set(as(ALICE))
      .send({ decision: 'approve' })
      .expect(403);
  });

  it("keeps a change its team's after the file it deleted is gone: judged on the content before and after", async () => {
    const owned = workspace('commons', 'a-owned');
    (owned.resource.metadata as any).annotations = {
      'portal.butlerlabs.dev/owner': 'group:team-a',
    };
    await merge('a-owned', owned);
    await merge('a-owned-gone', {
      operation: 'delete',
      kind: 'workspaces',
      namespace: 'commons',
      name: 'a-owned',
    });
    for (const name of ['a-owned', 'a-owned-gone']) {
      for (const who of [BOB, NINA]) {
        await api
          .get(`/api/gitops/changes/${ids[name]}`)
          .set(as(who))
          .expect(404);
      }
      const own = await api
        .get(`/api/gitops/changes/${ids[name]}`)
        .set(as(ALICE))
        .expect(200);
      expect(own.body.files).toHaveLength(1);
    }
    const gone = 'Workspace commons/a-owned';
    expect(await changeTitles(BOB, '?state=merged')).not.toContain(gone);
    expect(await changeTitles(NINA, '')).not.toContain(gone);
    expect(
      (await changeTitles(ALICE, '?state=merged')).filter(t => t === gone),
    ).toHaveLength(2);
    expect(
      (await changeTitles(VERA, '?state=merged')).filter(t => t === gone),
    ).toHaveLength(2);
  });

  it("judges a path in a team's folder that names no resource as the folder's team's", async () => {
    const work = path.join(path.dirname(bare), 'work-notes');
    expect((await git(['clone', '--quiet', bare, work])).code).toBe(0);
    expect((await git(['checkout', '--quiet', '-b', 'notes'], work)).code).toBe(
      0,
    );
    fs.writeFileSync(
      path.join(work, 'workspaces/team-a/Notes.yaml'),
      'plans: moving alice-dev to the new cluster\n',
    );
    expect((await git(['add', '-A'], work)).code).toBe(0);
    expect(
      (
        await git(
          [
            '-c',
            'user.name=Tester',
            '-c',
            'user.email=tester@example.com',
            'commit',
            '--quiet',
            '-m',
            'notes',
          ],
          work,
        )
      ).code,
    ).toBe(0);
    // fetched into the bare repository (no hook runs)
    expect(
      (await git(['--git-dir', bare, 'fetch', '--quiet', work, 'notes:notes']))
        .code,
    ).toBe(0);
    const opened = await api
      .post('/api/gitops/changes/from-branch')
      .set(as(GUEST))
      .send({ repository: 'platform', branch: 'notes', title: 'notes' })
      .expect(201);
    const id = encodeURIComponent(opened.body.id);
    for (const who of [BOB, NINA]) {
      await api.get(`/api/gitops/changes/${id}`).set(as(who)).expect(404);
      const listed = await api
        .get('/api/gitops/changes?state=open')
        .set(as(who))
        .expect(200);
      expect(listed.body.items.map((c: any) => c.id)).not.toContain(
        opened.body.id,
      );
    }
    const own = await api
      .get(`/api/gitops/changes/${id}`)
      .set(as(ALICE))
      .expect(200);
    expect(own.body.paths).toEqual(['workspaces/team-a/Notes.yaml']);
    const listed = await api
      .get('/api/gitops/changes?state=open')
      .set(as(ALICE))
      .expect(200);
    expect(listed.body.items.map((c: any) => c.id)).toContain(opened.body.id);
  });
});
