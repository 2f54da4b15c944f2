/*
 * The Reconciler end to end with the Kubernetes target: merges on a local repository converge
 * the live Workspaces. The first suite runs against the kube test API server, or the cluster of
 * $TEST_KUBECONFIG (see startKubernetesTestEnvironment); faults and a missing CRD need the test
 * server.
 */
import fs from 'fs';
import path from 'path';
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import type { FileOperation } from '@butler-portal/plugin-gitops-node';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { ensureLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local';
import { makeTempDir, removeTempDirs } from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { KubernetesTarget } from '../targets/kubernetes/KubernetesTarget';
import {
  APPLIED_CRDS,
  startKubernetesTestEnvironment,
} from '../targets/kubernetes/__testUtils__/kubernetesTestEnvironment';
import { Reconciler } from './Reconciler';
import { DatabaseReconcilerStore } from './store/DatabaseReconcilerStore';
import { alice, mergeChanges } from './testing/mergeChange';


const noWait = async () => {};
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

afterEach(removeTempDirs);

function workspaceYaml(namespace: string, name: string, image = 'golang:1.23') {
  return `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  owner: alice@example.com
  clusterRef:
    name: team-a-dev
  image: ${image}
`;
}

/** a local repository with the given workspaces, a reconciler on the kubeconfig, and merge() */
async function setup(
  kubeConfig: KubeConfig,
  namespace: string,
  names: string[],
) {
  const root = await makeTempDir('butler-reconciler-k8s-');
  const template = path.join(root, 'layout');
  await fs.promises.mkdir(path.join(template, 'workspaces', namespace), {
    recursive: true,
  });
  await fs.promises.writeFile(path.join(template, 'README.md'), '# repo\n');
  for (const name of names) {
    await fs.promises.writeFile(
      path.join(template, 'workspaces', namespace, `${name}.yaml`),
      workspaceYaml(namespace, name),
    );
  }
  const dir = path.join(root, 'platform.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    initialAuthor: alice,
  });
  const provider = new LocalGitProvider({ repository: 'platform', dir });
  const target = new KubernetesTarget({
    kubeConfig,
    requestTimeoutMs: 500,
    retry: { sleep: noWait },
  });
  const store = await DatabaseReconcilerStore.create(
    await databases.init('SQLITE_3'),
  );
  const reconciler = new Reconciler({
    provider,
    target,
    store,
    commitStatusContext: false,
  });
  const merge = mergeChanges(provider);
  const file = (name: string) => `workspaces/${namespace}/${name}.yaml`;
  /** names of the live Workspaces of the namespace that carry the managed-by label */
  const managed = async () =>
    (await target.listManaged())
      .filter(m => m.ref.kind === 'Workspace' && m.ref.namespace === namespace)
      .map(m => m.ref.name)
      .sort();
  const live = (name: string) =>
    target.get({ kind: 'Workspace', namespace, name }) as Promise<any>;
  return { provider, target, store, reconciler, merge, file, managed, live };
}

describe('Reconciler with the Kubernetes target', () => {
  it('converges create, edit and delete merges; prunes only labelled Workspaces; holds deletions on a broken file', async () => {
    const env = await startKubernetesTestEnvironment();
    try {
      const ns = env.namespace;
      const { reconciler, merge, file, managed, live, provider } = await setup(
        env.kubeConfig,
        ns,
        ['ws-a', 'ws-b'],
      );
      // a Workspace someone created by hand, without the managed-by label
      await KubernetesObjectApi.makeApiClient(env.kubeConfig).create({
        apiVersion: 'butler.butlerlabs.dev/v1alpha1',
        kind: 'Workspace',
        metadata: { name: 'by-hand', namespace: ns },
        spec: {
          owner: 'bob@example.com',
          clusterRef: { name: 'team-a-dev' },
          image: 'golang:1.23',
        },
      } as any);

      const first = await reconciler.runOnce();
      expect(first.condition).toMatchObject({ type: 'Ready' });
      expect(first.revision).toBe(await provider.head());
      expect(await managed()).toEqual(['ws-a', 'ws-b']);

      // create and edit
      await merge(
        {
          action: 'create',
          path: file('ws-c'),
          content: workspaceYaml(ns, 'ws-c'),
        },
        {
          action: 'update',
          path: file('ws-a'),
          content: workspaceYaml(ns, 'ws-a', 'golang:1.24'),
        },
      );
      const second = await reconciler.runOnce();
      expect(second.condition).toMatchObject({ type: 'Ready' });
      expect(second.applied.map(r => r.name).sort()).toEqual(['ws-a', 'ws-c']);
      expect(await managed()).toEqual(['ws-a', 'ws-b', 'ws-c']);
      expect((await live('ws-a')).spec.image).toBe('golang:1.24');

      // a no-op run writes nothing
      const idle = await reconciler.runOnce();
      expect(idle.applied).toEqual([]);
      expect(idle.pruned).toEqual([]);

      // delete: the labelled one goes, the unlabelled one stays
      await merge({ action: 'delete', path: file('ws-b') });
      const third = await reconciler.runOnce();
      expect(third.pruned.map(r => r.name)).toEqual(['ws-b']);
      expect(await managed()).toEqual(['ws-a', 'ws-c']);
      expect(await live('ws-b')).toBeUndefined();
      expect((await live('by-hand')).spec.owner).toBe('bob@example.com');

      // a broken file in the same merge as a deletion: nothing is deleted
      await merge(
        { action: 'delete', path: file('ws-c') },
        {
          action: 'create',
          path: file('broken'),
          content:
            'apiVersion: butler.butlerlabs.dev/v1alpha1\nkind: Workspace\nmetadata: [\n',
        },
      );
      const broken = await reconciler.runOnce();
      expect(broken.pruned).toEqual([]);
      expect(broken.withheldPrunes.map(r => r.name)).toEqual(['ws-c']);
      expect(broken.invalidFiles.map(f => f.path)).toEqual([file('broken')]);
      expect(broken.condition).toMatchObject({ type: 'Stalled' });
      expect(await managed()).toEqual(['ws-a', 'ws-c']);
      expect(await live('by-hand')).toBeDefined();
    } finally {
      await env.cleanup();
    }
  });
});

describe('Reconciler with the Kubernetes target, on the test API server', () => {
  it('converges through 500s, a hanging request and 409s without duplicates or losses', async () => {
    // faults need the in-repo server, whatever $TEST_KUBECONFIG says
    const server = await startKubeTestApiServer({
      crds: loadButlerCrds(APPLIED_CRDS),
      namespaces: ['team-a'],
    });
    try {
      const names = ['ws-1', 'ws-2', 'ws-3', 'ws-4'];
      const { reconciler, merge, file, managed, store, target } = await setup(
        server.kubeconfig,
        'team-a',
        names,
      );
      const patches = () =>
        server
          .requests()
          .filter(r => r.method === 'PATCH' && r.path.includes('/workspaces/'));

      server.inject({
        match: { method: 'PATCH', path: '/workspaces/ws-1' },
        times: 2,
        respond: 'error',
      });
      server.inject({
        match: { method: 'PATCH', path: '/workspaces/ws-2' },
        respond: 'hang',
      });
      server.inject({
        match: { method: 'PATCH', path: '/workspaces/ws-3' },
        respond: 'conflict',
      });
      const first = await reconciler.runOnce();
      expect(first.condition).toMatchObject({ type: 'Ready' });
      expect(first.applied.map(r => r.name).sort()).toEqual(names);
      expect(await managed()).toEqual(names);
      const faulted = patches().filter(r => r.fault);
      expect(faulted.map(r => r.fault).sort()).toEqual([
        'hang',
        'status',
        'status',
        'status',
      ]);

      // faults that outlast the retries fail the run's objects; the next run converges
      await merge(
        {
          action: 'create',
          path: file('ws-5'),
          content: workspaceYaml('team-a', 'ws-5'),
        },
        { action: 'delete', path: file('ws-4') },
      );
      const stuck = server.inject({
        match: { method: 'PATCH', path: '/workspaces/ws-5' },
        times: 100,
        respond: 'error',
      });
      const failing = await reconciler.runOnce();
      expect(failing.failed.map(f => f.ref.name)).toEqual(['ws-5']);
      expect(failing.condition.type).not.toBe('Ready');
      stuck.clear();
      // a sync someone asks for (POST /sync) tries a failed object without waiting its backoff
      const healed = await reconciler.runOnce({ full: true });
      expect(healed.condition).toMatchObject({ type: 'Ready' });
      expect(await managed()).toEqual(['ws-1', 'ws-2', 'ws-3', 'ws-5']);
      // exactly one live object per name, and the inventory agrees
      const all = (await target.list()).filter(o => o.kind === 'Workspace');
      expect(all.map(o => (o.metadata as any).name).sort()).toEqual([
        'ws-1',
        'ws-2',
        'ws-3',
        'ws-5',
      ]);
      expect(
        (await store.listInventory(target.name)).map(r => r.ref.name).sort(),
      ).toEqual(['ws-1', 'ws-2', 'ws-3', 'ws-5']);
    } finally {
      await server.stop();
    }
  });

  it('reports a missing Workspace CRD as a status naming the CRD, without crashing', async () => {
    const server = await startKubeTestApiServer({ namespaces: ['team-a'] });
    try {
      const { reconciler, store, target } = await setup(
        server.kubeconfig,
        'team-a',
        ['ws-1'],
      );
      const result = await reconciler.runOnce();
      // the words the issue promises, exactly
      const missing = 'CRD workspaces.butler.butlerlabs.dev not installed';
      expect(result.failed).toEqual([
        {
          ref: { kind: 'Workspace', namespace: 'team-a', name: 'ws-1' },
          error: missing,
        },
      ]);
      const status = await reconciler.status();
      // retried with backoff (someone may install the CRD): Reconciling, not Stalled
      expect(status.condition).toEqual({
        type: 'Reconciling',
        reason: 'Degraded',
        message: `1 of 1 failed; Workspace/team-a/ws-1: ${missing}`,
      });
      expect(status.resources).toEqual([
        expect.objectContaining({
          status: 'Failed',
          condition: {
            type: 'Reconciling',
            reason: 'ApplyFailed',
            message: missing,
          },
          lastError: missing,
        }),
      ]);
      expect(await store.listInventory(target.name)).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
