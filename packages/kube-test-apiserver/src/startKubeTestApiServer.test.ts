import {
  ApiextensionsV1Api,
  ApisApi,
  CoreApi,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { loadButlerCrds, readCrds } from './butlerCrds';
import { startKubeTestApiServer } from './startKubeTestApiServer';
import {
  failure,
  raw,
  startWithWidgets,
  WIDGETS_CRD,
  WIDGETS_IN_DEFAULT,
} from './testUtils';

describe('startKubeTestApiServer', () => {
  it('serves discovery that client-node reads: core, groups, resources with scope and verbs', async () => {
    const server = await startWithWidgets();
    try {
      const versions = await server.kubeconfig
        .makeApiClient(CoreApi)
        .getAPIVersions();
      expect(versions.versions).toEqual(['v1']);

      const groups = await server.kubeconfig
        .makeApiClient(ApisApi)
        .getAPIVersions();
      expect(groups.groups.map(g => g.name)).toEqual([
        'apiextensions.k8s.io',
        'example.com',
      ]);
      const example = groups.groups.find(g => g.name === 'example.com')!;
      expect(example.versions.map(v => v.version)).toEqual(['v1', 'v2']);
      expect(example.preferredVersion?.version).toBe('v1');

      const core = await raw(server, 'GET', '/api/v1');
      const byName = Object.fromEntries(
        core.body.resources.map((r: any) => [r.name, r]),
      );
      expect(byName.namespaces).toMatchObject({
        kind: 'Namespace',
        namespaced: false,
      });
      expect(byName.configmaps).toMatchObject({
        kind: 'ConfigMap',
        namespaced: true,
        shortNames: ['cm'],
      });
      expect(byName.configmaps.verbs).toEqual(
        expect.arrayContaining([
          'create',
          'get',
          'list',
          'watch',
          'patch',
          'update',
          'delete',
          'deletecollection',
        ]),
      );

      const widgets = await raw(server, 'GET', '/apis/example.com/v1');
      expect(widgets.body).toMatchObject({
        kind: 'APIResourceList',
        groupVersion: 'example.com/v1',
      });
      expect(
        widgets.body.resources.map((r: any) => [r.name, r.namespaced, r.kind]),
      ).toEqual([
        ['widgets', true, 'Widget'],
        ['widgets/status', true, 'Widget'],
      ]);
      expect(widgets.body.resources[1].verbs).toEqual([
        'get',
        'patch',
        'update',
      ]);

      const missing = await raw(server, 'GET', '/apis/nothing.example.com/v1');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({
        kind: 'Status',
        reason: 'NotFound',
        code: 404,
      });
    } finally {
      await server.stop();
    }
  });

  it('serves a CRD once it is created, and stops (deleting its objects) when it is deleted', async () => {
    const server = await startKubeTestApiServer();
    try {
      const objects = KubernetesObjectApi.makeApiClient(server.kubeconfig);
      const widget = {
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        metadata: { name: 'w1', namespace: 'default' },
        spec: { size: 1 },
      };
      // What client-node reports against a real cluster too: the group-version is not served.
      await expect(objects.create(widget)).rejects.toThrow(
        'Failed to fetch resource metadata for example.com/v1/Widget: HTTP-Code: 404',
      );

      const crds = server.kubeconfig.makeApiClient(ApiextensionsV1Api);
      const crd = readCrds([WIDGETS_CRD])[0] as V1CustomResourceDefinition;
      const created = await crds.createCustomResourceDefinition({ body: crd });
      expect(created.status?.conditions?.map(c => [c.type, c.status])).toEqual([
        ['NamesAccepted', 'True'],
        ['Established', 'True'],
      ]);
      expect(created.status?.storedVersions).toEqual(['v1']);

      await objects.create(widget);
      const custom = server.kubeconfig.makeApiClient(CustomObjectsApi);
      const listed: any = await custom.listNamespacedCustomObject({
        ...WIDGETS_IN_DEFAULT,
      });
      expect(listed.items.map((w: any) => w.metadata.name)).toEqual(['w1']);
      // the same object is served at every served version
      const asV2: any = await custom.getNamespacedCustomObject({
        group: 'example.com',
        version: 'v2',
        namespace: 'default',
        plural: 'widgets',
        name: 'w1',
      });
      expect(asV2.apiVersion).toBe('example.com/v2');

      await crds.deleteCustomResourceDefinition({
        name: 'widgets.example.com',
      });
      expect(
        (
          await raw(
            server,
            'GET',
            '/apis/example.com/v1/namespaces/default/widgets/w1',
          )
        ).status,
      ).toBe(404);
      expect((await raw(server, 'GET', '/apis/example.com/v1')).status).toBe(
        404,
      );

      // Re-installing the CRD serves an empty collection: the objects went with the CRD.
      await crds.createCustomResourceDefinition({ body: crd });
      const again: any = await custom.listNamespacedCustomObject({
        ...WIDGETS_IN_DEFAULT,
      });
      expect(again.items).toEqual([]);
    } finally {
      await server.stop();
    }
  });

  it('validates CRDs like the apiserver: name must be <plural>.<group>, one storage version', async () => {
    const server = await startKubeTestApiServer();
    try {
      const crds = server.kubeconfig.makeApiClient(ApiextensionsV1Api);
      const crd = readCrds([WIDGETS_CRD])[0] as V1CustomResourceDefinition;
      const misnamed = { ...crd, metadata: { name: 'gadgets.example.com' } };
      const { code, status } = await failure(
        crds.createCustomResourceDefinition({ body: misnamed }),
      );
      expect(code).toBe(422);
      expect(status.reason).toBe('Invalid');
      expect(status.message).toBe(
        'CustomResourceDefinition.apiextensions.k8s.io "gadgets.example.com" is invalid: metadata.name: Invalid value: "gadgets.example.com": must be spec.names.plural+"."+spec.group',
      );

      const twoStorage = structuredClone(crd);
      twoStorage.spec.versions[1].storage = true;
      const second = await failure(
        crds.createCustomResourceDefinition({ body: twoStorage }),
      );
      expect(second.status.details.causes).toEqual([
        expect.objectContaining({
          field: 'spec.versions',
          message: expect.stringContaining(
            'must have exactly one version marked as storage version',
          ),
        }),
      ]);
    } finally {
      await server.stop();
    }
  });

  it('installs every Butler CRD and serves their kinds with the right scope', async () => {
    const crds = loadButlerCrds();
    const server = await startKubeTestApiServer({ crds });
    try {
      const list = await raw(
        server,
        'GET',
        '/apis/butler.butlerlabs.dev/v1alpha1',
      );
      const resources = list.body.resources.filter(
        (r: any) => !r.name.includes('/'),
      );
      expect(resources).toHaveLength(crds.length);
      const scope = Object.fromEntries(
        resources.map((r: any) => [r.kind, r.namespaced]),
      );
      expect(scope).toMatchObject({
        Workspace: true,
        WorkspaceTemplate: true,
        TenantAddon: true,
        Team: false,
      });
      expect(list.body.resources.map((r: any) => r.name)).toContain(
        'workspaces/status',
      );
    } finally {
      await server.stop();
    }
  });

  it('hands out a kubeconfig YAML that a KubeConfig loads and uses', async () => {
    const server = await startKubeTestApiServer({
      namespaces: ['default', 'team-a'],
    });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(server.kubeconfigYaml);
      expect(kc.getCurrentCluster()?.server).toBe(server.url);
      const namespaces = await kc.makeApiClient(CoreV1Api).listNamespace();
      expect(namespaces.items.map(n => n.metadata?.name)).toEqual([
        'default',
        'team-a',
      ]);
      expect(namespaces.items[1].metadata?.labels).toEqual({
        'kubernetes.io/metadata.name': 'team-a',
      });
      expect(namespaces.items[1].status?.phase).toBe('Active');
    } finally {
      await server.stop();
    }
  });

  it('fails to start, naming the problem, when a CRD is invalid', async () => {
    const [crd] = readCrds([WIDGETS_CRD]);
    await expect(
      startKubeTestApiServer({
        crds: [{ ...crd, spec: { ...crd.spec, scope: 'Global' } }],
      }),
    ).rejects.toThrow(
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
    );
  });
});
