/*
 * Start/stop against a Kubernetes API (the in-repo test server, or $TEST_KUBECONFIG): the
 * desired-state annotation is applied with the runtime field manager only, the fields from Git
 * stay owned by butler-portal, and gitops-node's KubernetesTarget still finds the workspace in
 * sync (and re-applies it unchanged) after a stop.
 */
import {
  DESIRED_STATE_ANNOTATION,
  RUNTIME_FIELD_MANAGER,
} from '@butler-portal/plugin-butler-common';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import {
  contentHash,
  DesiredObject,
  KubernetesTarget,
  ownedFields,
} from '@butler-portal/plugin-reconciler-node';
import {
  type ClusterTestEnvironment,
  type KubeTestApiServerHandle,
  startClusterTestEnvironment,
} from '@butler-portal/kube-test-apiserver';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import {
  startTestServer,
  workspaceClient,
  workspaceObject,
} from '../__testUtils__/workspaceCluster';
import { ManagementCluster } from './ManagementCluster';
import { WORKSPACE_CRD } from './workspaceResource';

jest.setTimeout(60_000);

function desired(namespace: string, name: string): DesiredObject {
  const object = workspaceObject(namespace, name) as unknown as GitOpsResource;
  return {
    ref: { kind: 'Workspace', namespace, name },
    object,
    hash: contentHash(object),
  };
}

/** Field paths a manager owns, as `.metadata.annotations.x` strings. */
function owned(live: any, manager: string): string[] {
  return ownedFields(live, manager)
    .filter(f => f.leaf)
    .map(f => f.path.map(s => ('field' in s ? `.${s.field}` : '[]')).join(''))
    .sort();
}

describe('ManagementCluster start/stop', () => {
  let env: ClusterTestEnvironment;
  let cluster: ManagementCluster;
  let target: KubernetesTarget;
  let ns: string;

  beforeAll(async () => {
    env = await startClusterTestEnvironment({ crds: [WORKSPACE_CRD] });
    ns = env.namespace;
    cluster = new ManagementCluster({
      kubeConfig: env.kubeConfig,
      backoffMs: 20,
    });
    await cluster.start();
    // the reconciler's view: server-side apply as butler-portal
    target = new KubernetesTarget({ kubeConfig: env.kubeConfig });
  });
  afterAll(async () => {
    await cluster.stop();
    await env.cleanup();
  });

  it('reports the configured cluster reachable', () => {
    expect(cluster.status()).toEqual({ configured: true, reachable: true });
  });

  it('stops a workspace applied by the reconciler: only the annotation, owned by the runtime manager, and still in sync', async () => {
    const [applied] = await target.apply([desired(ns, 'stop-1')]);
    expect(applied).toMatchObject({ ok: true, outcome: 'created' });

    expect(await cluster.setDesiredState(ns, 'stop-1', 'stopped')).toEqual({
      namespace: ns,
      name: 'stop-1',
      desiredState: 'stopped',
    });

    const live = await workspaceClient(env.kubeConfig).get(ns, 'stop-1');
    expect(live.metadata.annotations).toEqual({
      [DESIRED_STATE_ANNOTATION]: 'stopped',
    });
    expect(owned(live, RUNTIME_FIELD_MANAGER)).toEqual([
      `.metadata.annotations.${DESIRED_STATE_ANNOTATION}`,
    ]);
    // Git's fields stay with the reconciler's manager
    expect(owned(live, 'butler-portal')).toEqual([
      '.metadata.labels.portal.butlerlabs.dev/managed-by',
      '.spec.clusterRef.name',
      '.spec.image',
      '.spec.owner',
    ]);
    expect(live.spec.image).toBe('ghcr.io/butlerlabs/workspace:1.0');

    // the reconciler's drift check: in sync; its next apply changes nothing and keeps the stop
    const drift = await target.drift(desired(ns, 'stop-1'));
    expect(drift).toEqual({
      inSync: true,
      missing: false,
      drifted: [],
      details: [],
    });
    const [again] = await target.apply([desired(ns, 'stop-1')]);
    expect(again).toMatchObject({ ok: true, outcome: 'unchanged' });
    expect(
      (await workspaceClient(env.kubeConfig).get(ns, 'stop-1')).metadata
        .annotations,
    ).toEqual({ [DESIRED_STATE_ANNOTATION]: 'stopped' });

    // the live status carries the desired state once the watch saw it
    await eventually(
      () =>
        cluster.getWorkspace(ns, 'stop-1').desiredState === 'stopped'
          ? true
          : undefined,
      'the stop in the cache',
    );
  });

  it('starts a stopped workspace again, and a Git change to the workspace applies without conflict', async () => {
    await target.apply([desired(ns, 'start-1')]);
    await cluster.setDesiredState(ns, 'start-1', 'stopped');
    await cluster.setDesiredState(ns, 'start-1', 'running');
    const live = await workspaceClient(env.kubeConfig).get(ns, 'start-1');
    expect(live.metadata.annotations[DESIRED_STATE_ANNOTATION]).toBe('running');
    expect(owned(live, RUNTIME_FIELD_MANAGER)).toEqual([
      `.metadata.annotations.${DESIRED_STATE_ANNOTATION}`,
    ]);

    const changed = desired(ns, 'start-1');
    (changed.object.spec as any).image = 'ghcr.io/butlerlabs/workspace:2.0';
    const [applied] = await target.apply([changed]);
    expect(applied).toMatchObject({ ok: true, outcome: 'configured' });
    const after = await workspaceClient(env.kubeConfig).get(ns, 'start-1');
    expect(after.spec.image).toBe('ghcr.io/butlerlabs/workspace:2.0');
    expect(after.metadata.annotations[DESIRED_STATE_ANNOTATION]).toBe(
      'running',
    );
  });

  it('answers NotFound for a workspace that is not on the cluster, and creates nothing', async () => {
    await expect(
      cluster.setDesiredState(ns, 'not-there', 'stopped'),
    ).rejects.toMatchObject({
      name: 'NotFoundError',
      message: `Workspace ${ns}/not-there is not on the management cluster`,
    });
    await expect(
      workspaceClient(env.kubeConfig).get(ns, 'not-there'),
    ).rejects.toMatchObject({ code: 404 });
    expect(cluster.getWorkspace(ns, 'not-there')).toEqual({
      namespace: ns,
      name: 'not-there',
      exists: false,
      conditions: [],
    });
  });

  it('refuses to take the annotation over from Git', async () => {
    const fromGit = desired(ns, 'git-annotated');
    fromGit.object.metadata.annotations = {
      [DESIRED_STATE_ANNOTATION]: 'running',
    };
    await target.apply([fromGit]);
    await expect(
      cluster.setDesiredState(ns, 'git-annotated', 'stopped'),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `Workspace ${ns}/git-annotated: the ${DESIRED_STATE_ANNOTATION} annotation is set in Git (field manager butler-portal); remove it from the workspace's file to start and stop it from the portal`,
    });
    const live = await workspaceClient(env.kubeConfig).get(ns, 'git-annotated');
    expect(live.metadata.annotations[DESIRED_STATE_ANNOTATION]).toBe('running');
  });

  it("overrides another runtime actor's value (e.g. a controller's auto-stop)", async () => {
    await target.apply([desired(ns, 'auto-stopped')]);
    await workspaceClient(env.kubeConfig).mergePatch(ns, 'auto-stopped', {
      metadata: { annotations: { [DESIRED_STATE_ANNOTATION]: 'stopped' } },
    });
    await cluster.setDesiredState(ns, 'auto-stopped', 'running');
    const live = await workspaceClient(env.kubeConfig).get(ns, 'auto-stopped');
    expect(live.metadata.annotations[DESIRED_STATE_ANNOTATION]).toBe('running');
    expect(owned(live, RUNTIME_FIELD_MANAGER)).toEqual([
      `.metadata.annotations.${DESIRED_STATE_ANNOTATION}`,
    ]);
  });
});

describe('ManagementCluster start/stop when the apiserver misbehaves (test API server)', () => {
  let server: KubeTestApiServerHandle;
  let cluster: ManagementCluster;

  beforeAll(async () => {
    server = await startTestServer();
    cluster = new ManagementCluster({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
      requestTimeoutMs: 300,
    });
    await cluster.start();
    await new KubernetesTarget({ kubeConfig: server.kubeconfig }).apply([
      desired('team-a', 'flaky-1'),
    ]);
  });
  afterAll(async () => {
    await cluster.stop();
    await server.stop();
  });

  it('reads again and retries when the workspace changed between read and apply', async () => {
    const fault = server.inject({
      match: { method: 'PATCH', path: '/workspaces/flaky-1' },
      times: 1,
      respond: 'conflict',
    });
    await cluster.setDesiredState('team-a', 'flaky-1', 'stopped');
    expect(fault.hits).toBe(1);
    const live = await workspaceClient(server.kubeconfig).get(
      'team-a',
      'flaky-1',
    );
    expect(live.metadata.annotations[DESIRED_STATE_ANNOTATION]).toBe('stopped');
    // the apply was conditional on the resourceVersion it had read
    const applies = server
      .requests()
      .filter(
        r =>
          r.method === 'PATCH' &&
          r.contentType === 'application/apply-patch+yaml',
      );
    expect(applies.length).toBeGreaterThanOrEqual(2);
    expect(applies[applies.length - 1].query).toContain(
      `fieldManager=${RUNTIME_FIELD_MANAGER}`,
    );
  });

  it('answers 503 (ServiceUnavailableError) when the apiserver does not answer in time', async () => {
    server.inject({
      match: { method: 'GET', path: '/workspaces/flaky-1' },
      times: 1,
      respond: 'hang',
    });
    await expect(
      cluster.setDesiredState('team-a', 'flaky-1', 'running'),
    ).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message:
        'reading Workspace team-a/flaky-1: the management cluster cannot be used: the Kubernetes API did not answer in time',
    });
  });
});

describe('ManagementCluster status when the cluster accepts connections but never answers', () => {
  it('reports the cluster unreachable with the reason, not "connecting" forever', async () => {
    const server = await startTestServer();
    server.inject({ match: () => true, times: 1000, respond: 'hang' });
    const cluster = new ManagementCluster({
      kubeConfig: server.kubeconfig,
      backoffMs: 20,
      requestTimeoutMs: 200,
    });
    try {
      await cluster.start();
      expect(cluster.status()).toEqual({
        configured: true,
        reachable: false,
        reason: 'the management cluster did not answer within 0.2s',
      });
    } finally {
      await cluster.stop();
      await server.stop();
    }
  });
});
