/*
 * The informer of one Butler kind when its watch drops: after a connection reset it resumes
 * from the last resourceVersion it saw (no relist), after 410 Gone it relists; either way it
 * ends up holding exactly what the cluster holds, having told each change once: no object lost,
 * none added twice, deletions made during the outage reported as deletions.
 */
import {
  type KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import {
  butlerClient,
  INVENTORY_CRDS,
  team,
  tenantCluster,
} from '../__testUtils__/butlerObjects';
import { KindInformer } from './KindInformer';

jest.setTimeout(60_000);

describe('KindInformer when the watch drops', () => {
  let server: KubeTestApiServerHandle;
  let informer: KindInformer;

  afterEach(async () => {
    await informer?.stop();
    await server?.stop();
  });

  async function start(kind: 'TenantCluster' | 'Team' = 'TenantCluster') {
    server = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
      namespaces: ['team-a'],
    });
    const client = butlerClient(server.kubeconfig);
    informer = new KindInformer(kind, {
      kubeConfig: server.kubeconfig,
      backoffMs: 100,
    });
    const events: string[] = [];
    informer.onChange(e =>
      events.push(
        `${e.type} ${e.object.metadata.name}${
          e.object.spec?.workers ? ` ${e.object.spec.workers.replicas}` : ''
        }`,
      ),
    );
    const lists = () =>
      server
        .requests()
        .filter(r => r.method === 'GET' && !/watch=true/.test(r.query)).length;
    return { client, events, lists };
  }

  /** What the cluster holds now, as name → workers.replicas. */
  const held = () =>
    Object.fromEntries(
      informer.list().map(o => [o.metadata.name, o.spec?.workers?.replicas]),
    );

  it('resumes after a connection reset from its last resourceVersion: nothing lost, nothing twice', async () => {
    const { client, events, lists } = await start();
    await client.create(tenantCluster('team-a', 'c1', { replicas: 1 }));
    await informer.start();
    await client.create(tenantCluster('team-a', 'c2', { replicas: 2 }));
    // created, then its status written (a second change)
    await eventually(
      () => informer.get('c2', 'team-a')?.status,
      'c2 with its status',
    );
    const listsBefore = lists();
    events.length = 0;

    // the stream dies with a TCP reset; the cluster changes before the informer is back
    expect(server.resetWatches()).toBeGreaterThan(0);
    await eventually(
      () => (informer.state().ready ? undefined : true),
      'the watch to be down',
    );
    expect(informer.state().reason).toMatch(/unreachable|failed/);
    await client.create(tenantCluster('team-a', 'c3', { replicas: 3 }));
    await client.mergePatch(
      'TenantCluster',
      'c1',
      { spec: { workers: { replicas: 4 } } },
      'team-a',
    );
    await client.delete('TenantCluster', 'c2', 'team-a');

    await eventually(
      () => (events.length >= 4 && informer.state().ready ? true : undefined),
      'the changes after the reset',
    );
    expect(held()).toEqual({ c1: 4, c3: 3 });
    // each change once, in order; the objects held before were not told again
    expect(events).toEqual([
      'add c3 3',
      'update c3 3', // its status
      'update c1 4',
      'delete c2 2',
    ]);
    // resumed from the resourceVersion: no second list
    expect(lists()).toBe(listsBefore);
  });

  it('relists after 410 Gone: deletions during the outage are told, unchanged objects are not told again', async () => {
    const { client, events, lists } = await start();
    for (const [name, replicas] of [
      ['keep', 1],
      ['change', 2],
      ['gone', 3],
    ] as const) {
      await client.create(tenantCluster('team-a', name, { replicas }));
    }
    await informer.start();
    expect(held()).toEqual({ keep: 1, change: 2, gone: 3 });
    const listsBefore = lists();
    events.length = 0;

    // the watch fails; meanwhile the cluster changes and forgets the history to resume from
    server.inject({
      match: r => r.query.get('watch') === 'true',
      times: 1,
      respond: {
        code: 503,
        reason: 'ServiceUnavailable',
        message: 'restarting',
      },
    });
    server.closeWatches();
    await eventually(
      () => (informer.state().ready ? undefined : true),
      'the watch to be down',
    );
    await client.delete('TenantCluster', 'gone', 'team-a');
    await client.mergePatch(
      'TenantCluster',
      'change',
      { spec: { workers: { replicas: 5 } } },
      'team-a',
    );
    await client.create(tenantCluster('team-a', 'new', { replicas: 6 }));
    server.compactWatchHistory();

    await eventually(
      () => (events.length >= 3 && informer.state().ready ? true : undefined),
      'the relist',
    );
    expect(held()).toEqual({ keep: 1, change: 5, new: 6 });
    expect([...events].sort()).toEqual([
      'add new 6',
      'delete gone 3',
      'update change 5',
    ]);
    expect(lists()).toBeGreaterThan(listsBefore);
  });

  it('watches cluster-scoped kinds (Team) the same way', async () => {
    const { client, events } = await start('Team');
    await informer.start();
    await client.create(team('team-x'));
    await eventually(() => informer.get('team-x'), 'the team');
    server.resetWatches();
    await client.delete('Team', 'team-x');
    await eventually(
      () => (informer.get('team-x') ? undefined : true),
      'the deletion after the reset',
    );
    // add, its status, delete
    expect(events).toEqual(['add team-x', 'update team-x', 'delete team-x']);
  });
});
