/*
 * Conformance of the Kubernetes target. The first suite runs against the in-repo test API
 * server, or against the cluster of $TEST_KUBECONFIG (in a namespace of its own); the others
 * need what only the test server gives: uninstalled CRDs, hand-written status, injected faults.
 */
import http from 'http';
import { ConflictError, InputError } from '@backstage/errors';
import {
  type ClusterTestEnvironment,
  KubeTestApiServerHandle,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import type {
  GitOpsResource,
  ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import { KubernetesObjectApi } from '@kubernetes/client-node';
import {
  contentHash,
  DesiredObject,
  MANAGED_BY_LABEL,
  ManagedChange,
} from '../types';
import { DESIRED_STATE_ANNOTATION } from './diffLiveObject';
import {
  CrdNotInstalledError,
  KubernetesTarget,
  KubernetesWatchEvent,
} from './KubernetesTarget';
import { startKubernetesTestEnvironment } from './__testUtils__/kubernetesTestEnvironment';

// end-to-end runs against a server on a shared, loaded machine: limits are generous
jest.setTimeout(120_000);

const noWait = async () => {};

function workspace(
  namespace: string,
  name: string,
  spec: Record<string, unknown> = {},
  annotations?: Record<string, string>,
): DesiredObject {
  const object: GitOpsResource = {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: {
      name,
      namespace,
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      clusterRef: { name: 'tenant-1' },
      owner: 'jane@example.com',
      image: 'ghcr.io/butlerlabs/workspace:1.0',
      ...spec,
    },
  };
  return {
    ref: { kind: 'Workspace', namespace, name },
    object,
    hash: contentHash(object),
  };
}

/** Events as they arrive; next() waits for the following one. */
function eventQueue() {
  const events: KubernetesWatchEvent[] = [];
  const waiters: Array<() => void> = [];
  const arrived = () => new Promise<void>(resolve => waiters.push(resolve));
  return {
    push: (e: KubernetesWatchEvent) => {
      events.push(e);
      waiters.splice(0).forEach(wake => wake());
    },
    async next(): Promise<KubernetesWatchEvent> {
      while (events.length === 0) await arrived();
      return events.shift()!;
    },
  };
}

describe('KubernetesTarget conformance', () => {
  let env: ClusterTestEnvironment;
  let target: KubernetesTarget;
  let other: KubernetesTarget;
  let ns: string;

  beforeAll(async () => {
    env = await startKubernetesTestEnvironment();
    ns = env.namespace;
    target = new KubernetesTarget({
      kubeConfig: env.kubeConfig,
      retry: { sleep: noWait },
    });
    other = new KubernetesTarget({
      kubeConfig: env.kubeConfig,
      fieldManager: 'other-controller',
      retry: { sleep: noWait },
    });
  });
  afterAll(() => env.cleanup());

  it('creates, configures and leaves unchanged, by server-side apply as butler-portal', async () => {
    const [created] = await target.apply([workspace(ns, 'apply-1')]);
    expect(created).toMatchObject({
      ok: true,
      outcome: 'created',
      attempts: 2,
    });
    const live = created.ok ? (created.live as any) : undefined;
    expect(live.metadata.labels).toEqual({
      [MANAGED_BY_LABEL]: 'butler-portal',
    });
    expect(live.metadata.managedFields).toEqual([
      expect.objectContaining({ manager: 'butler-portal', operation: 'Apply' }),
    ]);

    const [again] = await target.apply([workspace(ns, 'apply-1')]);
    expect(again).toMatchObject({ ok: true, outcome: 'unchanged' });

    const [changed] = await target.apply([
      workspace(ns, 'apply-1', { image: 'ghcr.io/butlerlabs/workspace:2.0' }),
    ]);
    expect(changed).toMatchObject({ ok: true, outcome: 'configured' });
    expect(
      (
        (await target.get({
          kind: 'Workspace',
          namespace: ns,
          name: 'apply-1',
        })) as any
      ).spec.image,
    ).toBe('ghcr.io/butlerlabs/workspace:2.0');
    expect(
      await target.get({
        kind: 'Workspace',
        namespace: ns,
        name: 'nothing-here',
      }),
    ).toBeUndefined();
  });

  it('reports a conflict with another field manager, and takes the field over with force', async () => {
    await target.apply([workspace(ns, 'conflict-1')]);
    const [refused] = await other.apply([
      workspace(ns, 'conflict-1', { image: 'other:1' }),
    ]);
    expect(refused).toMatchObject({
      ok: false,
      outcome: 'failed',
      reason: 'Conflict',
      code: 409,
    });
    expect(!refused.ok && refused.error).toBe(
      'Apply failed with 1 conflict: conflict with "butler-portal": .spec.image',
    );

    const [forced] = await other.apply(
      [workspace(ns, 'conflict-1', { image: 'other:1' })],
      { force: true },
    );
    expect(forced).toMatchObject({ ok: true, outcome: 'configured' });
    const [back] = await target.apply([workspace(ns, 'conflict-1')]);
    expect(back).toMatchObject({ ok: false, reason: 'Conflict' });
    expect(!back.ok && back.error).toContain(
      'conflict with "other-controller"',
    );
  });

  it('lists and deletes only objects carrying the managed-by label', async () => {
    await target.apply([workspace(ns, 'managed-1')]);
    // someone else's Workspace in the same namespace, without the label
    const foreign = workspace(ns, 'foreign-1').object as unknown as Record<
      string,
      unknown
    >;
    expect(await other.applyObject(foreign)).toMatchObject({
      ok: true,
      outcome: 'created',
    });

    const managed = await target.listManaged();
    const names = managed
      .filter(m => m.ref.namespace === ns)
      .map(m => m.ref.name);
    expect(names).toContain('managed-1');
    expect(names).not.toContain('foreign-1');
    expect(managed.find(m => m.ref.name === 'managed-1')?.ref).toEqual({
      kind: 'Workspace',
      namespace: ns,
      name: 'managed-1',
    });

    const foreignRef: ResourceRef = {
      kind: 'Workspace',
      namespace: ns,
      name: 'foreign-1',
    };
    await expect(target.delete(foreignRef)).rejects.toThrow(ConflictError);
    await expect(target.delete(foreignRef)).rejects.toThrow(
      `Workspace ${ns}/foreign-1 does not carry the portal's managed-by label (${MANAGED_BY_LABEL}=butler-portal); not deleting it`,
    );
    expect(await target.get(foreignRef)).toBeDefined();

    const ref: ResourceRef = {
      kind: 'Workspace',
      namespace: ns,
      name: 'managed-1',
    };
    await target.delete(ref);
    const after = (await target.get(ref)) as any;
    // gone, or going (a controller's finalizer on a real cluster)
    expect(
      after === undefined || after.metadata.deletionTimestamp !== undefined,
    ).toBe(true);
    // deleting what is not there is not an error
    await target.delete({
      kind: 'Workspace',
      namespace: ns,
      name: 'never-existed',
    });
  });

  it('lists every managed object of a kind, none lost to paging', async () => {
    const paged = target;
    const names = Array.from({ length: 12 }, (_, i) => `paged-${i}`);
    const applied = await paged.apply(names.map(n => workspace(ns, n)));
    expect(applied.every(r => r.ok)).toBe(true);
    const listed = (await paged.list({ namespace: ns }))
      .map(o => (o as any).metadata.name as string)
      .filter(n => n.startsWith('paged-'));
    expect(listed.sort()).toEqual([...names].sort());
    for (const name of names) {
      await paged.delete({ kind: 'Workspace', namespace: ns, name });
    }
  });

  it('reports which CRDs are installed, naming the missing ones', async () => {
    const statuses = await target.checkCrds([
      'Workspace',
      'WorkspaceTemplate',
      'TenantAddon',
      {
        apiVersion: 'nothing.butlerlabs.dev/v1',
        kind: 'Nothing',
        crdName: 'nothings.nothing.butlerlabs.dev',
      },
    ]);
    expect(statuses.map(s => [s.kind, s.installed, s.message])).toEqual([
      [
        'Workspace',
        true,
        'CRD workspaces.butler.butlerlabs.dev installed (butler.butlerlabs.dev/v1alpha1 Workspace served)',
      ],
      [
        'WorkspaceTemplate',
        true,
        'CRD workspacetemplates.butler.butlerlabs.dev installed (butler.butlerlabs.dev/v1alpha1 WorkspaceTemplate served)',
      ],
      [
        'TenantAddon',
        true,
        'CRD tenantaddons.butler.butlerlabs.dev installed (butler.butlerlabs.dev/v1alpha1 TenantAddon served)',
      ],
      ['Nothing', false, 'CRD nothings.nothing.butlerlabs.dev not installed'],
    ]);
  });

  it('detects drift on owned and desired fields, not on runtime annotations, defaults or status', async () => {
    const desired = workspace(
      ns,
      'drift-1',
      {},
      { [DESIRED_STATE_ANNOTATION]: 'running' },
    );
    await target.apply([desired]);
    expect(await target.drift(desired)).toEqual({
      inSync: true,
      missing: false,
      drifted: [],
      details: [],
    });

    // stopping the workspace at runtime is not drift
    await other.applyObject(
      {
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
        metadata: {
          name: 'drift-1',
          namespace: ns,
          annotations: { [DESIRED_STATE_ANNOTATION]: 'stopped' },
        },
      },
      { force: true },
    );
    expect((await target.drift(desired)).inSync).toBe(true);

    // someone changing the image is
    await other.applyObject(
      {
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
        metadata: { name: 'drift-1', namespace: ns },
        spec: { image: 'hand-edited:1' },
      },
      { force: true },
    );
    const drifted = await target.drift(desired);
    expect(drifted.inSync).toBe(false);
    expect(drifted.drifted).toEqual(['.spec.image']);
    expect(drifted.details).toEqual([
      {
        path: '.spec.image',
        desired: 'ghcr.io/butlerlabs/workspace:1.0',
        live: 'hand-edited:1',
      },
    ]);

    expect(await target.drift(workspace(ns, 'drift-missing'))).toMatchObject({
      inSync: false,
      missing: true,
    });
  });

  it('watches a kind: the existing objects, then changes and deletions', async () => {
    await target.apply([workspace(ns, 'watch-1')]);
    const events = eventQueue();
    const watch = await target.watch('Workspace', events.push, {
      namespace: ns,
      labelSelector: `${MANAGED_BY_LABEL}=butler-portal`,
    });
    try {
      const seen: string[] = [];
      const until = async (wanted: string) => {
        for (;;) {
          const e = await events.next();
          const line = `${e.type} ${(e.object.metadata as any).name}`;
          seen.push(line);
          if (line === wanted) return e;
        }
      };
      await until('ADDED watch-1');
      await target.apply([workspace(ns, 'watch-2')]);
      const added = await until('ADDED watch-2');
      expect(added.object).toMatchObject({
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
      });
      await target.apply([workspace(ns, 'watch-1', { image: 'next:1' })]);
      const modified = await until('MODIFIED watch-1');
      expect((modified.object as any).spec.image).toBe('next:1');
      await target.delete({
        kind: 'Workspace',
        namespace: ns,
        name: 'watch-2',
      });
      // a real controller may first add a deletionTimestamp (MODIFIED) before the DELETED
      await until('DELETED watch-2');
      expect(seen).not.toContain('ADDED foreign-1');
    } finally {
      await watch.stop();
    }
  });

  it('refuses kinds the portal does not apply, and reports a missing namespace', async () => {
    await expect(
      target.get({ kind: 'Pipeline', namespace: ns, name: 'p' }),
    ).rejects.toThrow(
      new InputError(
        'Pipeline is not a kind the portal applies to the cluster',
      ),
    );
    const pipeline: GitOpsResource = {
      apiVersion: 'herald.butlerlabs.dev/v1alpha1',
      kind: 'Pipeline',
      metadata: { name: 'p', namespace: ns },
      spec: {},
    };
    const [record] = await target.apply([
      {
        ref: { kind: 'Pipeline', namespace: ns, name: 'p' },
        object: pipeline,
        hash: contentHash(pipeline),
      },
    ]);
    expect(record).toMatchObject({
      ok: false,
      reason: 'Invalid',
      error: 'Pipeline is a portal record, not applied to the cluster',
      attempts: 0,
    });
    const [result] = await target.apply([
      workspace('no-such-namespace-xyz', 'ws'),
    ]);
    expect(result).toMatchObject({
      ok: false,
      reason: 'NamespaceMissing',
      code: 404,
      error: 'namespaces "no-such-namespace-xyz" not found',
    });
  });
});

describe('KubernetesTarget on the test API server', () => {
  let server: KubeTestApiServerHandle;
  let sleeps: number[];
  const target = (
    options: { requestTimeoutMs?: number; maxRetries?: number } = {},
  ) =>
    new KubernetesTarget({
      kubeConfig: server.kubeconfig,
      requestTimeoutMs: options.requestTimeoutMs,
      retry: {
        maxRetries: options.maxRetries,
        sleep: async ms => {
          sleeps.push(ms);
        },
      },
    });
  const patches = () =>
    server
      .requests()
      .filter(r => r.method === 'PATCH' && r.path.includes('/workspaces/'));

  beforeEach(async () => {
    sleeps = [];
    server = await startKubeTestApiServer({
      crds: loadButlerCrds(['workspaces.butler.butlerlabs.dev']),
      namespaces: ['team-a'],
    });
  });
  afterEach(() => server.stop());

  it('applies many objects a few at a time, in order, one request each when no outcome is needed', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `ws-${i}`);
    const before = server.requests().length;
    const results = await target().apply(
      names.map(n => workspace('team-a', n)),
      { force: true, reportOutcome: false },
    );
    expect(results.map(r => [r.ref.name, r.ok, r.outcome])).toEqual(
      names.map(n => [n, true, 'applied']),
    );
    const requests = server.requests().slice(before);
    expect(requests.filter(r => r.path.includes('/workspaces/'))).toEqual(
      patches().slice(-20),
    );
    expect((await target().listManaged()).map(m => m.ref.name).sort()).toEqual(
      [...names].sort(),
    );
  });

  it('reports a missing CRD per object, not as a crash, and picks the CRD up once installed', async () => {
    const addon: GitOpsResource = {
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'TenantAddon',
      metadata: { name: 'metrics', namespace: 'team-a' },
      spec: {
        addon: 'metrics-server',
        version: '3.12.1',
        clusterRef: { name: 'tenant-1' },
      },
    };
    const desired: DesiredObject = {
      ref: { kind: 'TenantAddon', namespace: 'team-a', name: 'metrics' },
      object: addon,
      hash: contentHash(addon),
    };
    const t = target();
    const [missing, fine] = await t.apply([
      desired,
      workspace('team-a', 'ws-1'),
    ]);
    expect(missing).toMatchObject({
      ok: false,
      reason: 'CrdMissing',
      error: 'CRD tenantaddons.butler.butlerlabs.dev not installed',
    });
    expect(fine).toMatchObject({ ok: true, outcome: 'created' });
    expect(
      (await t.checkCrds()).filter(s => !s.installed).map(s => s.message),
    ).toEqual([
      'CRD workspacetemplates.butler.butlerlabs.dev not installed',
      'CRD tenantaddons.butler.butlerlabs.dev not installed',
      'CRD tenantclusters.butler.butlerlabs.dev not installed',
    ]);
    // kinds without a CRD have no objects: listing skips them
    expect((await t.listManaged()).map(m => m.ref.name)).toEqual(['ws-1']);
    await expect(t.get(desired.ref)).rejects.toThrow(
      new CrdNotInstalledError(
        'CRD tenantaddons.butler.butlerlabs.dev not installed',
      ),
    );
    expect(await t.health(desired.ref)).toEqual({
      status: 'Missing',
      message: 'CRD tenantaddons.butler.butlerlabs.dev not installed',
    });

    for (const crd of loadButlerCrds(['tenantaddons.butler.butlerlabs.dev']))
      server.createObject(crd);
    const [installed] = await t.apply([desired]);
    expect(installed).toMatchObject({ ok: true, outcome: 'created' });
  });

  it('watches the managed objects of every kind: resumes after a reset, relists after 410 Gone, picks up a CRD installed later', async () => {
    // reconnects wait on `gate` (the retry backoff's sleep), so the test can change the
    // cluster while the watch is down
    let gate: Promise<void> = Promise.resolve();
    const t = new KubernetesTarget({
      kubeConfig: server.kubeconfig,
      retry: { sleep: () => gate },
    });
    await t.apply([workspace('team-a', 'ws-1')]);
    // an object without the managed-by label is not the portal's: never reported
    await KubernetesObjectApi.makeApiClient(server.kubeconfig).create({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: { name: 'by-hand', namespace: 'team-a' },
      spec: {
        owner: 'bob@example.com',
        clusterRef: { name: 'x' },
        image: 'golang:1.23',
      },
    } as any);
    const changes: ManagedChange[] = [];
    const next = async (name: string): Promise<ManagedChange> => {
      for (;;) {
        const index = changes.findIndex(c => c.ref.name === name);
        if (index >= 0) return changes.splice(index, 1)[0];
        await new Promise(resolve => setTimeout(resolve, 10));
      }
    };
    const errors: string[] = [];
    const watch = await t.watchManaged(change => changes.push(change), {
      crdRecheckMs: 50,
      onError: error => errors.push(error.message),
    });
    const watchRequests = () =>
      server
        .requests()
        .filter(
          r => r.path.endsWith('/workspaces') && r.query.includes('watch=true'),
        );
    try {
      const first = await next('ws-1');
      expect(first.held?.live?.metadata).toMatchObject({ name: 'ws-1' });
      // health comes from the watch's copy: no request per object
      const reads = () =>
        server.requests().filter(r => r.path.endsWith('/workspaces/ws-1'))
          .length;
      const readsBefore = reads();
      expect(
        await t.health({
          kind: 'Workspace',
          namespace: 'team-a',
          name: 'ws-1',
        }),
      ).toMatchObject({ status: expect.any(String) });
      expect(reads()).toBe(readsBefore);
      // every kind's watch selects the managed-by label
      expect(watchRequests()[0].query).toContain(
        `labelSelector=${encodeURIComponent(
          `${MANAGED_BY_LABEL}=butler-portal`,
        )}`,
      );

      // the connection breaks: the watch resumes from its resourceVersion, without a list
      const lists = () =>
        server
          .requests()
          .filter(
            r =>
              r.path.endsWith('/workspaces') && !r.query.includes('watch=true'),
          ).length;
      const listsBefore = lists();
      server.resetWatches('/workspaces');
      await t.apply([workspace('team-a', 'ws-1', { image: 'next:1' })]);
      const modified = await next('ws-1');
      expect((modified.held?.live as any).spec.image).toBe('next:1');
      expect(lists()).toBe(listsBefore);
      expect(watchRequests().at(-1)?.query).toMatch(/resourceVersion=\d+/);

      // the history it would resume from is gone (410): it lists again and reports the change
      await t.apply([workspace('team-a', 'ws-2')]);
      await next('ws-2');
      let reopen!: () => void;
      gate = new Promise(resolve => {
        reopen = resolve;
      });
      const refused = server.inject({
        match: r => r.query.get('watch') === 'true',
        respond: { code: 503 },
      });
      server.closeWatches();
      while (refused.hits === 0) {
        await new Promise(resolve => setTimeout(resolve, 10));
      }
      await t.apply([workspace('team-a', 'ws-3')]);
      server.compactWatchHistory();
      reopen();
      expect((await next('ws-3')).held).toBeDefined();
      expect(lists()).toBe(listsBefore + 1);
      // the broken connections were reported (the reconciler logs them), not thrown
      expect(errors.length).toBeGreaterThan(0);

      // a deletion is reported without a held object
      await t.delete({ kind: 'Workspace', namespace: 'team-a', name: 'ws-2' });
      expect((await next('ws-2')).held).toBeUndefined();
      expect(changes.some(c => c.ref.name === 'by-hand')).toBe(false);

      // TenantAddon was not served when the watch started: watched once its CRD is installed
      for (const crd of loadButlerCrds(['tenantaddons.butler.butlerlabs.dev']))
        server.createObject(crd);
      const addon: GitOpsResource = {
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'TenantAddon',
        metadata: { name: 'metrics', namespace: 'team-a' },
        spec: {
          addon: 'metrics-server',
          version: '3.12.1',
          clusterRef: { name: 'tenant-1' },
        },
      };
      await t.apply([
        {
          ref: { kind: 'TenantAddon', namespace: 'team-a', name: 'metrics' },
          object: addon,
          hash: contentHash(addon),
        },
      ]);
      expect((await next('metrics')).ref.kind).toBe('TenantAddon');
    } finally {
      await watch.stop();
    }
  });

  it('reads only the named objects with listManaged({ refs }), one GET each, skipping kinds not served', async () => {
    const t = target();
    await t.apply([
      workspace('team-a', 'ws-1'),
      workspace('team-a', 'ws-2'),
      workspace('team-a', 'ws-3'),
    ]);
    const before = server.requests().length;
    const managed = await t.listManaged({
      refs: [
        { kind: 'Workspace', namespace: 'team-a', name: 'ws-2' },
        { kind: 'Workspace', namespace: 'team-a', name: 'absent' },
        { kind: 'TenantAddon', namespace: 'team-a', name: 'not-served' },
      ],
    });
    expect(managed.map(m => m.ref.name)).toEqual(['ws-2']);
    const reads = server.requests().slice(before);
    // no list of the kind, only the objects named
    expect(reads.filter(r => r.path.endsWith('/workspaces')).length).toBe(0);
    expect(
      reads
        .filter(r => r.path.includes('/workspaces/'))
        .map(r => r.path.split('/').pop()),
    ).toEqual(['ws-2', 'absent']);
  });

  it('retries 500s with backoff and converges', async () => {
    server.inject({
      match: { method: 'PATCH', path: '/workspaces/ws-1' },
      times: 2,
      respond: 'error',
    });
    const [result] = await target().apply([workspace('team-a', 'ws-1')]);
    expect(result).toMatchObject({ ok: true, outcome: 'created', attempts: 4 });
    expect(sleeps).toEqual([250, 500]);
    expect(patches().map(r => r.fault ?? 'served')).toEqual([
      'status',
      'status',
      'served',
    ]);
  });

  it('times out a request that gets no answer, and retries it', async () => {
    server.inject({
      match: { method: 'PATCH', path: '/workspaces/ws-1' },
      respond: 'hang',
    });
    const [result] = await target({ requestTimeoutMs: 200 }).apply([
      workspace('team-a', 'ws-1'),
    ]);
    expect(result).toMatchObject({ ok: true, outcome: 'created' });
    expect(patches().map(r => r.fault ?? 'served')).toEqual(['hang', 'served']);
  });

  it('re-applies after a 409 Conflict, and reads after a 503', async () => {
    server.inject({ match: { method: 'PATCH' }, respond: 'conflict' });
    server.inject({
      match: { method: 'GET', path: '/workspaces/ws-1' },
      respond: { code: 503, reason: 'ServiceUnavailable' },
    });
    const [result] = await target().apply([workspace('team-a', 'ws-1')]);
    expect(result).toMatchObject({ ok: true, outcome: 'created', attempts: 4 });
    expect(sleeps).toEqual([250, 250]);
  });

  it('gives up after the retries, reporting the last error and the attempts', async () => {
    server.inject({ match: { method: 'PATCH' }, times: 100, respond: 'error' });
    const [result] = await target({ maxRetries: 2 }).apply([
      workspace('team-a', 'ws-1'),
    ]);
    expect(result).toMatchObject({
      ok: false,
      reason: 'Failed',
      code: 500,
      error: 'Internal error occurred: injected fault (after 3 attempts)',
      attempts: 4,
    });
    expect(sleeps).toEqual([250, 500]);
  });

  it('does not retry what cannot succeed: field-manager conflicts and undeclared fields', async () => {
    const t = target();
    await t.apply([workspace('team-a', 'ws-1')]);
    const rival = new KubernetesTarget({
      kubeConfig: server.kubeconfig,
      fieldManager: 'rival',
      retry: { sleep: noWait },
    });
    const [conflict] = await rival.apply([
      workspace('team-a', 'ws-1', { image: 'x:1' }),
    ]);
    expect(conflict).toMatchObject({
      ok: false,
      reason: 'Conflict',
      attempts: 2,
    });

    const [undeclared] = await t.apply([
      workspace('team-a', 'ws-2', { notAField: true }),
    ]);
    expect(undeclared).toMatchObject({
      ok: false,
      reason: 'Invalid',
      code: 500,
      attempts: 2,
    });
    expect(!undeclared.ok && undeclared.error).toBe(
      'failed to create typed patch object (team-a/ws-2; butler.butlerlabs.dev/v1alpha1, Kind=Workspace): .spec.notAField: field not declared in schema',
    );
    expect(sleeps).toEqual([]);
  });

  it('reports schema violations as Invalid with the apiserver message', async () => {
    const [result] = await target().apply([
      workspace('team-a', 'ws-1', { owner: undefined, clusterRef: undefined }),
    ]);
    expect(result).toMatchObject({ ok: false, reason: 'Invalid', code: 422 });
    expect(!result.ok && result.error).toBe(
      'Workspace.butler.butlerlabs.dev "ws-1" is invalid: [spec.clusterRef: Required value, spec.owner: Required value]',
    );
  });

  it('retries a delete whose object changed in between, then deletes it', async () => {
    const t = target();
    await t.apply([workspace('team-a', 'ws-1')]);
    server.inject({ match: { method: 'DELETE' }, respond: 'conflict' });
    await t.delete({ kind: 'Workspace', namespace: 'team-a', name: 'ws-1' });
    expect(
      await t.get({ kind: 'Workspace', namespace: 'team-a', name: 'ws-1' }),
    ).toBeUndefined();
    expect(server.requests().filter(r => r.method === 'DELETE')).toHaveLength(
      2,
    );
  });

  it('reads live health from the controller-written status', async () => {
    const t = target();
    await t.apply([workspace('team-a', 'ws-1')]);
    const ref: ResourceRef = {
      kind: 'Workspace',
      namespace: 'team-a',
      name: 'ws-1',
    };
    expect(await t.liveHealth(ref)).toEqual({
      status: 'Progressing',
      message: 'waiting for the workspace controller',
    });
    expect(
      await writeStatus(server, ref, {
        phase: 'Running',
        observedGeneration: 1,
        connected: true,
      }),
    ).toBe(200);
    expect(await t.health(ref)).toEqual({
      status: 'Healthy',
      message: 'Running, SSH connected',
    });
    expect(
      await writeStatus(server, ref, {
        phase: 'Stopped',
        observedGeneration: 1,
      }),
    ).toBe(200);
    expect(await t.liveHealth(ref)).toEqual({
      status: 'Suspended',
      message: 'Stopped',
    });
    expect(await t.health(ref)).toEqual({
      status: 'Suspended',
      message: 'Stopped',
    });
    expect(
      await t.health({ kind: 'Workspace', namespace: 'team-a', name: 'gone' }),
    ).toEqual({
      status: 'Missing',
      message: 'not in the cluster',
    });
  });

  it('resumes a broken watch, relisting when its resourceVersion expired meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>(resolve => {
      release = resolve;
    });
    const waits: number[] = [];
    const t = new KubernetesTarget({
      kubeConfig: server.kubeconfig,
      retry: {
        sleep: async ms => {
          waits.push(ms);
          await gate;
        },
      },
    });
    await t.apply([workspace('team-a', 'ws-1')]);
    const events = eventQueue();
    const watch = await t.watch('Workspace', events.push, {
      namespace: 'team-a',
    });
    try {
      expect((await events.next()).type).toBe('ADDED');
      // the stream breaks and the reconnect fails: the watch waits before trying again ...
      server.inject({
        match: r => r.query.get('watch') === 'true',
        respond: { code: 503 },
      });
      server.closeWatches();
      while (waits.length === 0)
        await new Promise(resolve => setImmediate(resolve));
      expect(waits).toEqual([250]);
      // ... while the cluster changes and forgets the history the watch would resume from
      await t.apply([workspace('team-a', 'ws-2')]);
      server.compactWatchHistory();
      release();
      const next = await events.next();
      expect([next.type, (next.object.metadata as any).name]).toEqual([
        'ADDED',
        'ws-2',
      ]);
      // first stream, failed reconnect, resume from the expired resourceVersion (410), relist
      const log = server
        .requests()
        .filter(r => r.path.endsWith('/namespaces/team-a/workspaces'));
      const kinds = log.map(r =>
        r.query.includes('watch=true')
          ? `watch:${r.fault ?? 'served'}`
          : 'list',
      );
      expect(kinds.slice(0, 5)).toEqual([
        'list',
        'watch:served',
        'watch:status',
        'watch:served',
        'list',
      ]);
    } finally {
      await watch.stop();
    }
  });
});

/** Writes status through the status subresource, as a controller does; returns the HTTP code. */
function writeStatus(
  server: KubeTestApiServerHandle,
  ref: ResourceRef,
  status: object,
): Promise<number> {
  const url = new URL(
    `/apis/butler.butlerlabs.dev/v1alpha1/namespaces/${ref.namespace}/workspaces/${ref.name}/status?fieldManager=workspace-controller`,
    server.url,
  );
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PATCH',
      agent: false,
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    req.on('response', res => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ status }));
  });
}
