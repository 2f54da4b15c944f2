/*
 * The Reconciler end to end with the Kubernetes target: merges on a local repository converge
 * the live Workspaces. The first suite runs against the kube test API server, or the cluster of
 * $TEST_KUBECONFIG (see startKubernetesTestEnvironment); faults and a missing CRD need the test
 * server.
 */
import fs from 'fs';
import path from 'path';
import {
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { TestDatabases } from '@backstage/backend-test-utils';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { ensureLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  makeTempDir,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { KubernetesTarget } from '../targets/kubernetes/KubernetesTarget';
import {
  APPLIED_CRDS,
  startKubernetesTestEnvironment,
} from '../targets/kubernetes/__testUtils__/kubernetesTestEnvironment';
import { Reconciler } from './Reconciler';
import { DatabaseReconcilerStore } from './store/DatabaseReconcilerStore';
import { alice, mergeChanges } from './testing/mergeChange';
import { tenantAddonYaml } from './testing/resources';
import type { ResourceStatus } from './types';

// end-to-end runs against a server on a shared, loaded machine: limits are generous
jest.setTimeout(120_000);

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
  options: {
    selfHeal?: boolean;
    /** more files of the repository, by path */
    files?: Record<string, string>;
  } = {},
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
  for (const [file, content] of Object.entries(options.files ?? {})) {
    await fs.promises.mkdir(path.dirname(path.join(template, file)), {
      recursive: true,
    });
    await fs.promises.writeFile(path.join(template, file), content);
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
    selfHeal: options.selfHeal,
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

/** Polls `check` until it returns a value (not undefined); generous limits, the machine is shared. */
async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** Someone else's writes, as kubectl makes them: a merge patch and a read-modify-update (PUT). */
function foreignWriter(kubeConfig: KubeConfig, namespace: string) {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  const spec = (name: string) => ({
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace },
  });
  return {
    /** `kubectl patch --type merge -p '{"spec":{"image":...}}'` */
    patchImage: (name: string, image: string) =>
      api.patch(
        { ...spec(name), spec: { image } } as any,
        undefined,
        undefined,
        'kubectl-patch',
        undefined,
        PatchStrategy.MergePatch,
      ),
    /** `kubectl edit`: read, change, PUT with the resourceVersion read */
    editImage: async (name: string, image: string) => {
      const live: any = await api.read(spec(name) as any);
      live.spec.image = image;
      return api.replace(live, undefined, undefined, 'kubectl-edit');
    },
  };
}

/** the managers owning `.spec.image` of a live object, from managedFields */
function imageOwners(live: any): string[] {
  return (live.metadata.managedFields ?? [])
    .filter((e: any) => e.fieldsV1?.['f:spec']?.['f:image'] !== undefined)
    .map((e: any) => `${e.manager} (${e.operation})`)
    .sort();
}

describe('Reconciler drift through the watch', () => {
  const resource = (status: { resources: ResourceStatus[] }, name: string) =>
    status.resources.find(r => r.ref.name === name);

  it('without self-heal: a foreign patch and a foreign update read Drifted naming the manager, and nothing is overwritten', async () => {
    const env = await startKubernetesTestEnvironment();
    const { reconciler, live, merge, file } = await setup(
      env.kubeConfig,
      env.namespace,
      ['ws-a', 'ws-b'],
      { selfHeal: false },
    );
    const watch = await reconciler.watch();
    try {
      const ns = env.namespace;
      expect(watch).toBeDefined();
      expect((await reconciler.runOnce()).condition.type).toBe('Ready');
      const other = foreignWriter(env.kubeConfig, ns);

      await other.patchImage('ws-a', 'evil:1');
      const patched = await eventually('ws-a Drifted', async () => {
        const r = resource(await reconciler.status(), 'ws-a');
        return r?.status === 'Drifted' ? r : undefined;
      });
      expect(patched.condition).toEqual({
        type: 'Stalled',
        reason: 'DriftDetected',
        message:
          '.spec.image changed by kubectl-patch (Update): Git has "golang:1.23", the target "evil:1"',
      });
      expect(patched.drift).toEqual([
        { path: '.spec.image', managers: ['kubectl-patch (Update)'] },
      ]);

      await other.editImage('ws-b', 'evil:2');
      const edited = await eventually('ws-b Drifted', async () => {
        const r = resource(await reconciler.status(), 'ws-b');
        return r?.status === 'Drifted' ? r : undefined;
      });
      expect(edited.drift).toEqual([
        { path: '.spec.image', managers: ['kubectl-edit (Update)'] },
      ]);
      expect((await reconciler.status()).condition).toEqual({
        type: 'Stalled',
        reason: 'DriftDetected',
        message:
          '2 of 2 changed in the target by someone else (self-heal is off)',
      });

      // the safety net (a full comparison) agrees and overwrites nothing either
      const full = await reconciler.runOnce({ full: true });
      expect(full.applied).toEqual([]);
      expect(full.drifted.map(r => r.name).sort()).toEqual(['ws-a', 'ws-b']);
      expect((await live('ws-a')).spec.image).toBe('evil:1');
      expect((await live('ws-b')).spec.image).toBe('evil:2');
      expect(imageOwners(await live('ws-a'))).toEqual([
        'kubectl-patch (Update)',
      ]);

      // undoing the change by hand makes it Synced again, seen by the watch
      await other.patchImage('ws-a', 'golang:1.23');
      await eventually('ws-a Synced', async () =>
        resource(await reconciler.status(), 'ws-a')?.status === 'Synced'
          ? true
          : undefined,
      );

      // a merge of the drifted object is Git speaking: applied (forced) over the drift
      await merge({
        action: 'update',
        path: file('ws-b'),
        content: workspaceYaml(ns, 'ws-b', 'golang:1.24'),
      });
      const merged = await reconciler.runOnce();
      expect(merged.applied.map(r => r.name)).toEqual(['ws-b']);
      expect((await live('ws-b')).spec.image).toBe('golang:1.24');
      expect(imageOwners(await live('ws-b'))).toEqual([
        'butler-portal (Apply)',
      ]);
      expect(merged.condition.type).toBe('Ready');
    } finally {
      await watch?.stop();
      await env.cleanup();
    }
  });

  it('with self-heal: the Git value comes back, owned by butler-portal again, after a patch and after an update', async () => {
    const env = await startKubernetesTestEnvironment();
    const { reconciler, live, merge, file } = await setup(
      env.kubeConfig,
      env.namespace,
      ['ws-a', 'ws-b'],
      { selfHeal: true },
    );
    const watch = await reconciler.watch();
    try {
      const ns = env.namespace;
      await reconciler.runOnce();
      const other = foreignWriter(env.kubeConfig, ns);

      await other.patchImage('ws-a', 'evil:1');
      const healed = await eventually('ws-a healed', async () => {
        const object = await live('ws-a');
        return object.spec.image === 'golang:1.23' &&
          imageOwners(object).join() === 'butler-portal (Apply)'
          ? object
          : undefined;
      });
      expect(imageOwners(healed)).toEqual(['butler-portal (Apply)']);
      const record = await eventually('ws-a SelfHealed', async () => {
        const r = resource(await reconciler.status(), 'ws-a');
        return r?.condition.reason === 'SelfHealed' ? r : undefined;
      });
      expect(record).toMatchObject({
        status: 'Synced',
        condition: {
          type: 'Ready',
          reason: 'SelfHealed',
          message:
            'restored from Git: .spec.image changed by kubectl-patch (Update): Git has "golang:1.23", the target "evil:1"',
        },
      });

      await other.editImage('ws-b', 'evil:2');
      await eventually('ws-b healed', async () => {
        const object = await live('ws-b');
        return object.spec.image === 'golang:1.23' &&
          imageOwners(object).join() === 'butler-portal (Apply)'
          ? true
          : undefined;
      });

      // fields Git does not set stay as someone else set them
      await KubernetesObjectApi.makeApiClient(env.kubeConfig).patch(
        {
          apiVersion: 'butler.butlerlabs.dev/v1alpha1',
          kind: 'Workspace',
          metadata: { name: 'ws-a', namespace: ns, labels: { team: 'blue' } },
        } as any,
        undefined,
        undefined,
        'kubectl-label',
        undefined,
        PatchStrategy.MergePatch,
      );
      await other.patchImage('ws-a', 'evil:3');
      await eventually('ws-a healed again', async () =>
        (await live('ws-a')).spec.image === 'golang:1.23' ? true : undefined,
      );
      expect((await live('ws-a')).metadata.labels.team).toBe('blue');

      // a later merge is applied as usual; the watch does not undo it
      await merge({
        action: 'update',
        path: file('ws-a'),
        content: workspaceYaml(ns, 'ws-a', 'golang:1.24'),
      });
      expect((await reconciler.runOnce()).applied.map(r => r.name)).toEqual([
        'ws-a',
      ]);
      const status = await reconciler.status();
      expect(status.condition.type).toBe('Ready');
      expect((await live('ws-a')).spec.image).toBe('golang:1.24');
    } finally {
      await watch?.stop();
      await env.cleanup();
    }
  });
});

describe('Reconciler with one object the server refuses, on the test API server', () => {
  it('fails that object alone (its CRD removed), retries it with backoff, and keeps applying other merges', async () => {
    // deleting a CRD is for the in-repo server only
    const server = await startKubeTestApiServer({
      crds: loadButlerCrds(APPLIED_CRDS),
      namespaces: ['team-a'],
    });
    try {
      const { reconciler, merge, file, managed, store, target } = await setup(
        server.kubeconfig,
        'team-a',
        ['ws-1', 'ws-2'],
        {
          files: {
            'tenant-addons/team-a/cert-manager.yaml':
              tenantAddonYaml('cert-manager'),
          },
        },
      );
      expect((await reconciler.runOnce()).condition.type).toBe('Ready');

      await KubernetesObjectApi.makeApiClient(server.kubeconfig).delete({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'tenantaddons.butler.butlerlabs.dev' },
      });
      await merge(
        {
          action: 'update',
          path: 'tenant-addons/team-a/cert-manager.yaml',
          content: tenantAddonYaml('cert-manager').replace(
            'v1.16.2',
            'v1.17.0',
          ),
        },
        {
          action: 'create',
          path: file('ws-3'),
          content: workspaceYaml('team-a', 'ws-3'),
        },
      );
      const missing = 'CRD tenantaddons.butler.butlerlabs.dev not installed';
      const degraded = await reconciler.runOnce();
      expect(degraded.applied.map(r => r.name)).toEqual(['ws-3']);
      expect(degraded.failed).toEqual([
        {
          ref: {
            kind: 'TenantAddon',
            namespace: 'team-a',
            name: 'cert-manager',
          },
          error: missing,
        },
      ]);
      expect(degraded.condition).toEqual({
        type: 'Reconciling',
        reason: 'Degraded',
        message: `1 of 4 failed; TenantAddon/team-a/cert-manager: ${missing}`,
      });
      const failed = (await reconciler.status()).resources.find(
        r => r.ref.kind === 'TenantAddon',
      );
      expect(failed).toMatchObject({
        status: 'Failed',
        condition: {
          type: 'Reconciling',
          reason: 'ApplyFailed',
          message: missing,
        },
        retry: { attempts: 1 },
      });

      // another merge: applied at once; the failed object waits for its backoff
      await merge({
        action: 'create',
        path: file('ws-4'),
        content: workspaceYaml('team-a', 'ws-4'),
      });
      const later = await reconciler.runOnce();
      expect(later.applied.map(r => r.name)).toEqual(['ws-4']);
      expect(later.retrying.map(r => r.name)).toEqual(['cert-manager']);
      expect(later.condition).toMatchObject({
        reason: 'Degraded',
        message: expect.stringMatching(/^1 of 5 failed; /),
      });
      expect(await managed()).toEqual(['ws-1', 'ws-2', 'ws-3', 'ws-4']);
      // the other objects' records are Synced, whatever the failed one says
      expect(
        (await store.listInventory(target.name))
          .filter(r => r.ref.kind === 'Workspace')
          .map(r => r.status),
      ).toEqual(['Synced', 'Synced', 'Synced', 'Synced']);
    } finally {
      await server.stop();
    }
  });
});
