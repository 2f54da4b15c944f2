/*
 * Object semantics through @kubernetes/client-node: metadata bookkeeping, optimistic
 * concurrency, the apiserver's errors, merge and JSON patches, deletion with finalizers, and
 * label selectors.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { KubeTestApiServerHandle } from './startKubeTestApiServer';
import { failure, raw, startWithWidgets, WIDGETS } from './testUtils';

const group = 'example.com';
const version = 'v1';
const plural = 'widgets';

function widget(
  name: string,
  spec: object = { size: 1 },
  labels?: Record<string, string>,
) {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name, ...(labels ? { labels } : {}) },
    spec,
  };
}

describe('objects', () => {
  let server: KubeTestApiServerHandle;
  let custom: CustomObjectsApi;
  let core: CoreV1Api;

  beforeEach(async () => {
    server = await startWithWidgets();
    custom = server.kubeconfig.makeApiClient(CustomObjectsApi);
    core = server.kubeconfig.makeApiClient(CoreV1Api);
  });
  afterEach(() => server.stop());

  const create = (body: object, namespace = 'default') =>
    custom.createNamespacedCustomObject({
      group,
      version,
      namespace,
      plural,
      body,
    }) as Promise<any>;
  const get = (name: string) =>
    custom.getNamespacedCustomObject({
      group,
      version,
      namespace: 'default',
      plural,
      name,
    }) as Promise<any>;
  const replace = (name: string, body: object) =>
    custom.replaceNamespacedCustomObject({
      group,
      version,
      namespace: 'default',
      plural,
      name,
      body,
    }) as Promise<any>;
  const patch = (name: string, body: object, strategy: string) =>
    custom.patchNamespacedCustomObject(
      { group, version, namespace: 'default', plural, name, body },
      setHeaderOptions('Content-Type', strategy),
    ) as Promise<any>;

  it('sets uid, resourceVersion, generation, creationTimestamp and managedFields on create', async () => {
    const created = await create(widget('w1', { size: 2 }));
    expect(created.metadata).toEqual({
      name: 'w1',
      namespace: 'default',
      uid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      resourceVersion: expect.stringMatching(/^\d+$/),
      generation: 1,
      creationTimestamp: expect.stringMatching(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
      ),
      managedFields: [
        {
          manager: 'node-fetch',
          operation: 'Update',
          apiVersion: 'example.com/v1',
          time: expect.any(String),
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:spec': { '.': {}, 'f:size': {}, 'f:replicas': {} } },
        },
      ],
    });
    // defaults are applied
    expect(created.spec).toEqual({ size: 2, replicas: 1 });
  });

  it('keeps one global, increasing resourceVersion and bumps generation only on spec changes', async () => {
    const a = await create(widget('a'));
    const b = await create(widget('b'));
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(
      Number(a.metadata.resourceVersion),
    );

    const labelled = await patch(
      'a',
      { metadata: { labels: { team: 'x' } } },
      PatchStrategy.MergePatch,
    );
    expect(Number(labelled.metadata.resourceVersion)).toBeGreaterThan(
      Number(b.metadata.resourceVersion),
    );
    expect(labelled.metadata.generation).toBe(1);

    const resized = await patch(
      'a',
      { spec: { size: 5 } },
      PatchStrategy.MergePatch,
    );
    expect(resized.metadata.generation).toBe(2);

    // status goes through the status subresource and never moves generation
    const status = (await custom.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        namespace: 'default',
        plural,
        name: 'a',
        body: { status: { phase: 'Ready' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as any;
    expect(status.status).toEqual({ phase: 'Ready' });
    expect(status.metadata.generation).toBe(2);

    // an update that changes nothing writes nothing
    const same = await replace('a', status);
    expect(same.metadata.resourceVersion).toBe(status.metadata.resourceVersion);
  });

  it('answers a stale resourceVersion on update with 409 Conflict', async () => {
    const created = await create(widget('w1'));
    await replace('w1', { ...created, spec: { size: 3 } });
    const { code, status } = await failure(
      replace('w1', { ...created, spec: { size: 4 } }),
    );
    expect(code).toBe(409);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Operation cannot be fulfilled on widgets.example.com "w1": the object has been modified; please apply your changes to the latest version and try again',
      reason: 'Conflict',
      details: { name: 'w1', group: 'example.com', kind: 'widgets' },
      code: 409,
    });
  });

  it('requires a resourceVersion to update a custom resource, not a ConfigMap', async () => {
    const created = await create(widget('w1'));
    const { code, status } = await failure(
      replace('w1', {
        ...created,
        metadata: { name: 'w1' },
        spec: { size: 3 },
      }),
    );
    expect(code).toBe(422);
    expect(status.message).toBe(
      'Widget.example.com "w1" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update',
    );

    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    const replaced = await core.replaceNamespacedConfigMap({
      namespace: 'default',
      name: 'c',
      body: { metadata: { name: 'c' }, data: { a: '2' } },
    });
    expect(replaced.data).toEqual({ a: '2' });
  });

  it('answers 409 AlreadyExists, 404 NotFound, and 404 for a missing namespace', async () => {
    await create(widget('w1'));
    const exists = await failure(create(widget('w1')));
    expect(exists.code).toBe(409);
    expect(exists.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'widgets.example.com "w1" already exists',
      details: { name: 'w1', group: 'example.com', kind: 'widgets' },
    });

    const missing = await failure(get('nope'));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({
      reason: 'NotFound',
      message: 'widgets.example.com "nope" not found',
    });

    const noNamespace = await failure(create(widget('w2'), 'team-x'));
    expect(noNamespace.code).toBe(404);
    expect(noNamespace.status).toMatchObject({
      reason: 'NotFound',
      message: 'namespaces "team-x" not found',
      details: { name: 'team-x', kind: 'namespaces' },
    });

    const cm = await failure(
      core.readNamespacedConfigMap({ namespace: 'default', name: 'nope' }),
    );
    expect(cm.status.message).toBe('configmaps "nope" not found');
  });

  it('refuses a body whose name or namespace disagrees with the URL', async () => {
    const created = await create(widget('w1'));
    const renamed = await failure(
      replace('w1', {
        ...created,
        metadata: { ...created.metadata, name: 'w2' },
      }),
    );
    expect(renamed.code).toBe(400);
    expect(renamed.status.message).toBe(
      'the name of the object (w2) does not match the name on the URL (w1)',
    );
    const moved = await raw(server, 'POST', WIDGETS, {
      ...widget('w3'),
      metadata: { name: 'w3', namespace: 'other' },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.message).toBe(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  });

  it('applies merge patches and JSON patches, and refuses strategic merge on custom resources', async () => {
    await create(
      widget('w1', { size: 1, tags: ['a'], settings: { x: '1', y: '2' } }),
    );
    const merged = await patch(
      'w1',
      { spec: { settings: { x: null, z: '3' } } },
      PatchStrategy.MergePatch,
    );
    expect(merged.spec.settings).toEqual({ y: '2', z: '3' });

    const jsonPatched = await patch(
      'w1',
      [
        { op: 'test', path: '/spec/size', value: 1 },
        { op: 'add', path: '/spec/tags/-', value: 'b' },
        { op: 'replace', path: '/spec/size', value: 7 },
      ],
      PatchStrategy.JsonPatch,
    );
    expect(jsonPatched.spec).toMatchObject({ size: 7, tags: ['a', 'b'] });

    const failedTest = await failure(
      patch(
        'w1',
        [{ op: 'test', path: '/spec/size', value: 1 }],
        PatchStrategy.JsonPatch,
      ),
    );
    expect(failedTest.code).toBe(422);
    expect(failedTest.status.message).toContain('test failed');

    const strategic = await failure(
      patch('w1', { spec: { size: 2 } }, PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.code).toBe(415);
    expect(strategic.status.reason).toBe('UnsupportedMediaType');

    // ConfigMaps accept strategic merge (no list merge keys there, so it merges like RFC 7386)
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'c' }, data: { a: '1' } },
    });
    const cm = await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'c', body: { data: { b: '2' } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(cm.data).toEqual({ a: '1', b: '2' });
  });

  it('honours a resourceVersion inside a merge patch as a precondition', async () => {
    const created = await create(widget('w1'));
    await patch('w1', { spec: { size: 2 } }, PatchStrategy.MergePatch);
    const stale = await failure(
      patch(
        'w1',
        {
          metadata: { resourceVersion: created.metadata.resourceVersion },
          spec: { size: 3 },
        },
        PatchStrategy.MergePatch,
      ),
    );
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
  });

  it('marks an object with finalizers for deletion and deletes it when the last finalizer goes', async () => {
    const created = await create({
      ...widget('w1'),
      metadata: { name: 'w1', finalizers: ['example.com/cleanup'] },
    });
    const deleting: any = await custom.deleteNamespacedCustomObject({
      group,
      version,
      namespace: 'default',
      plural,
      name: 'w1',
    });
    expect(deleting.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(deleting.metadata.finalizers).toEqual(['example.com/cleanup']);
    const still = await get('w1');
    expect(still.metadata.deletionTimestamp).toBe(
      deleting.metadata.deletionTimestamp,
    );
    expect(Number(still.metadata.resourceVersion)).toBeGreaterThan(
      Number(created.metadata.resourceVersion),
    );

    const noNewFinalizers = await failure(
      patch(
        'w1',
        { metadata: { finalizers: ['example.com/cleanup', 'other.io/x'] } },
        PatchStrategy.MergePatch,
      ),
    );
    expect(noNewFinalizers.code).toBe(422);

    await patch(
      'w1',
      { metadata: { finalizers: null } },
      PatchStrategy.MergePatch,
    );
    expect((await failure(get('w1'))).code).toBe(404);
  });

  it('deletes a namespace with what it holds', async () => {
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    await create(widget('w1'), 'team-a');
    await core.createNamespacedConfigMap({
      namespace: 'team-a',
      body: { metadata: { name: 'c' } },
    });
    await core.deleteNamespace({ name: 'team-a' });
    expect(
      (
        await raw(
          server,
          'GET',
          '/apis/example.com/v1/namespaces/team-a/widgets/w1',
        )
      ).status,
    ).toBe(404);
    expect(
      (await raw(server, 'GET', '/api/v1/namespaces/team-a/configmaps/c'))
        .status,
    ).toBe(404);
    expect((await raw(server, 'GET', '/api/v1/namespaces/team-a')).status).toBe(
      404,
    );
  });

  it('selects by label on list and deletecollection: =, ==, !=, in, notin, exists, !exists', async () => {
    await create(widget('a', { size: 1 }, { tier: 'web', env: 'prod' }));
    await create(widget('b', { size: 1 }, { tier: 'db', env: 'prod' }));
    await create(widget('c', { size: 1 }, { tier: 'web' }));
    await create(widget('d', { size: 1 }));
    const names = async (labelSelector: string) => {
      const list: any = await custom.listNamespacedCustomObject({
        group,
        version,
        namespace: 'default',
        plural,
        labelSelector,
      });
      return list.items.map((i: any) => i.metadata.name);
    };
    expect(await names('tier=web')).toEqual(['a', 'c']);
    expect(await names('tier==web,env=prod')).toEqual(['a']);
    expect(await names('tier!=web')).toEqual(['b', 'd']);
    expect(await names('tier in (db, web)')).toEqual(['a', 'b', 'c']);
    expect(await names('tier notin (web)')).toEqual(['b', 'd']);
    expect(await names('env')).toEqual(['a', 'b']);
    expect(await names('!env')).toEqual(['c', 'd']);
    expect(await names('')).toEqual(['a', 'b', 'c', 'd']);

    const bad = await failure(
      custom.listNamespacedCustomObject({
        group,
        version,
        namespace: 'default',
        plural,
        labelSelector: 'tier in web',
      }),
    );
    expect(bad.code).toBe(400);
    expect(bad.status.message).toContain('unable to parse requirement');

    await custom.deleteCollectionNamespacedCustomObject({
      group,
      version,
      namespace: 'default',
      plural,
      labelSelector: 'env=prod',
    });
    expect(await names('')).toEqual(['c', 'd']);
  });

  it('lists across namespaces, pages with limit/continue, and filters by metadata.name', async () => {
    await core.createNamespace({ body: { metadata: { name: 'team-a' } } });
    await create(widget('a'));
    await create(widget('b'), 'team-a');
    await create(widget('c'));
    const all: any = await custom.listClusterCustomObject({
      group,
      version,
      plural,
    });
    expect(
      all.items.map((i: any) => `${i.metadata.namespace}/${i.metadata.name}`),
    ).toEqual(['default/a', 'default/c', 'team-a/b']);
    expect(all.kind).toBe('WidgetList');
    expect(Number(all.metadata.resourceVersion)).toBe(server.resourceVersion());

    const first: any = await custom.listClusterCustomObject({
      group,
      version,
      plural,
      limit: 2,
    });
    expect(first.items).toHaveLength(2);
    const rest: any = await custom.listClusterCustomObject({
      group,
      version,
      plural,
      limit: 2,
      _continue: first.metadata.continue,
    });
    expect(rest.items.map((i: any) => i.metadata.name)).toEqual(['b']);

    const one: any = await custom.listClusterCustomObject({
      group,
      version,
      plural,
      fieldSelector: 'metadata.name=c',
    });
    expect(one.items.map((i: any) => i.metadata.name)).toEqual(['c']);
  });
});
