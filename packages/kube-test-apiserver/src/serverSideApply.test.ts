/*
 * Server-side apply through @kubernetes/client-node's KubernetesObjectApi: ownership in
 * managedFields (fieldsV1), conflicts and force, removal of fields an applier stops setting,
 * list and map merge semantics, the status subresource, and the apiserver's errors.
 */
import {
  CustomObjectsApi,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { KubeTestApiServerHandle } from './startKubeTestApiServer';
import {
  failure,
  raw,
  startWithWidgets,
  WIDGETS,
  WIDGETS_IN_DEFAULT,
} from './testUtils';

function widget(
  spec: object,
  metadata: object = {},
  extra: object = {},
): KubernetesObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w1', namespace: 'default', ...metadata },
    spec,
    ...extra,
  } as KubernetesObject;
}

function entry(object: any, manager: string, subresource?: string) {
  return object.metadata.managedFields.find(
    (m: any) =>
      m.manager === manager && (m.subresource ?? undefined) === subresource,
  );
}

describe('server-side apply', () => {
  let server: KubeTestApiServerHandle;
  let objects: KubernetesObjectApi;

  beforeEach(async () => {
    server = await startWithWidgets();
    objects = KubernetesObjectApi.makeApiClient(server.kubeconfig);
  });
  afterEach(() => server.stop());

  const apply = (object: KubernetesObject, manager: string, force?: boolean) =>
    objects.patch(
      object,
      undefined,
      undefined,
      manager,
      force,
      PatchStrategy.ServerSideApply,
    ) as Promise<any>;

  it('creates (201) then updates (200) and records the applier as the owner of exactly what it set', async () => {
    const yaml = [
      'apiVersion: example.com/v1',
      'kind: Widget',
      'metadata:',
      '  name: w1',
      '  labels: {team: a}',
      'spec:',
      '  size: 2',
      '  ports: [{name: http, port: 80}]',
      '  tags: [x]',
      '',
    ].join('\n');
    const created = await raw(
      server,
      'PATCH',
      `${WIDGETS}/w1?fieldManager=butler-portal`,
      yaml,
      'application/apply-patch+yaml',
    );
    expect(created.status).toBe(201);
    expect(entry(created.body, 'butler-portal')).toEqual({
      manager: 'butler-portal',
      operation: 'Apply',
      apiVersion: 'example.com/v1',
      time: expect.any(String),
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:team': {} } },
        'f:spec': {
          'f:size': {},
          'f:ports': {
            'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} },
          },
          'f:tags': { 'v:"x"': {} },
        },
      },
    });
    // defaults are filled in but not owned by the applier
    expect(created.body.spec).toMatchObject({
      replicas: 1,
      ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
    });

    const updated = await raw(
      server,
      'PATCH',
      `${WIDGETS}/w1?fieldManager=butler-portal`,
      yaml.replace('size: 2', 'size: 3'),
      'application/apply-patch+yaml',
    );
    expect(updated.status).toBe(200);
    expect(updated.body.spec.size).toBe(3);
    expect(updated.body.metadata.generation).toBe(2);
  });

  it('changes nothing when the same configuration is applied again', async () => {
    const first = await apply(widget({ size: 1 }), 'butler-portal');
    const second = await apply(widget({ size: 1 }), 'butler-portal');
    expect(second.metadata.resourceVersion).toBe(
      first.metadata.resourceVersion,
    );
    expect(second.metadata.generation).toBe(1);
  });

  it('reports a conflict with another applier, in the apiserver shape', async () => {
    await apply(widget({ size: 1, color: 'red' }), 'controller');
    const { code, status } = await failure(
      apply(widget({ size: 2, color: 'red' }), 'butler-portal'),
    );
    expect(code).toBe(409);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Apply failed with 1 conflict: conflict with "controller": .spec.size',
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "controller"',
            field: '.spec.size',
          },
        ],
      },
      code: 409,
    });

    const several = await failure(
      apply(widget({ size: 2, color: 'blue' }), 'butler-portal'),
    );
    expect(several.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "controller":\n- .spec.color\n- .spec.size',
    );
  });

  it('names an updater (non-apply writer) with its apiVersion in conflicts', async () => {
    await apply(widget({ size: 1 }), 'butler-portal');
    const custom = server.kubeconfig.makeApiClient(CustomObjectsApi);
    await custom.patchNamespacedCustomObject(
      {
        ...WIDGETS_IN_DEFAULT,
        name: 'w1',
        body: { spec: { size: 5 } },
        fieldManager: 'kubectl-edit',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const { status } = await failure(
      apply(widget({ size: 1 }), 'butler-portal'),
    );
    expect(status.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl-edit" using example.com/v1: .spec.size',
    );
  });

  it('lets force take the field over, and shares fields applied with the same value', async () => {
    await apply(widget({ size: 1, color: 'red' }), 'controller');
    const forced = await apply(
      widget({ size: 2, color: 'red' }),
      'butler-portal',
      true,
    );
    expect(forced.spec.size).toBe(2);
    expect(entry(forced, 'controller').fieldsV1).toEqual({
      'f:spec': { 'f:color': {} },
    });
    // color was applied with the same value: both own it, no conflict
    expect(entry(forced, 'butler-portal').fieldsV1).toEqual({
      'f:spec': { 'f:size': {}, 'f:color': {} },
    });
  });

  it('removes fields the applier set before and omits now, unless another manager owns them', async () => {
    await apply(
      widget(
        { size: 1, color: 'red', slug: 'abc' },
        { labels: { a: '1', b: '2' } },
      ),
      'butler-portal',
    );
    await apply(widget({ size: 1, slug: 'abc' }), 'helper');
    const after = await apply(
      widget({ size: 1 }, { labels: { a: '1' } }),
      'butler-portal',
    );
    expect(after.metadata.labels).toEqual({ a: '1' });
    expect(after.spec.color).toBeUndefined();
    // slug is still set by helper, so it stays
    expect(after.spec.slug).toBe('abc');
    expect(entry(after, 'butler-portal').fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:a': {} } },
      'f:spec': { 'f:size': {} },
    });
  });

  it('merges map-type lists by key and set-type lists by value; atomic lists are replaced whole', async () => {
    await apply(
      widget({
        size: 1,
        ports: [{ name: 'http', port: 80 }],
        tags: ['a'],
        args: ['--x'],
      }),
      'butler-portal',
    );
    const merged = await apply(
      widget({
        size: 1,
        ports: [{ name: 'metrics', port: 9090 }],
        tags: ['b'],
      }),
      'sidecar-injector',
    );
    expect(merged.spec.ports.map((p: any) => p.name)).toEqual([
      'http',
      'metrics',
    ]);
    expect(merged.spec.tags).toEqual(['a', 'b']);
    expect(merged.spec.args).toEqual(['--x']);

    const atomic = await failure(
      apply(widget({ size: 1, args: ['--y'] }), 'sidecar-injector'),
    );
    expect(atomic.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "butler-portal": .spec.args',
    );
    const keyed = await failure(
      apply(
        widget({ size: 1, ports: [{ name: 'http', port: 81 }] }),
        'sidecar-injector',
      ),
    );
    expect(keyed.status.details.causes[0].field).toBe(
      '.spec.ports[name="http"].port',
    );
  });

  it('keeps status out of applies to the main resource and spec out of applies to /status', async () => {
    const applied = await apply(
      widget({ size: 1 }, {}, { status: { phase: 'Forged' } }),
      'butler-portal',
    );
    expect(applied.status).toBeUndefined();
    expect(entry(applied, 'butler-portal').fieldsV1).toEqual({
      'f:spec': { 'f:size': {} },
    });

    const statusPath = `${WIDGETS}/w1/status?fieldManager=widget-controller`;
    const statusApply = (conditions: object[]) =>
      raw(
        server,
        'PATCH',
        statusPath,
        {
          apiVersion: 'example.com/v1',
          kind: 'Widget',
          metadata: { name: 'w1' },
          spec: { size: 99 },
          status: { phase: 'Ready', conditions },
        },
        'application/apply-patch+yaml',
      );
    const reported = await statusApply([{ type: 'Ready', status: 'True' }]);
    expect(reported.status).toBe(200);
    expect(reported.body.spec.size).toBe(1);
    expect(reported.body.status.phase).toBe('Ready');
    expect(reported.body.metadata.generation).toBe(1);
    expect(entry(reported.body, 'widget-controller', 'status')).toMatchObject({
      operation: 'Apply',
      subresource: 'status',
      fieldsV1: {
        'f:status': {
          'f:phase': {},
          'f:conditions': {
            'k:{"type":"Ready"}': { '.': {}, 'f:type': {}, 'f:status': {} },
          },
        },
      },
    });

    // the portal re-applying its spec neither conflicts with nor drops the controller's status
    const reapplied = await apply(widget({ size: 2 }), 'butler-portal');
    expect(reapplied.status.conditions).toEqual([
      { type: 'Ready', status: 'True' },
    ]);
  });

  it('refuses fields the schema does not declare, as the apiserver does (500 from the typed patch)', async () => {
    const { code, status } = await failure(
      apply(widget({ size: 1, bogus: true }), 'butler-portal'),
    );
    expect(code).toBe(500);
    expect(status.message).toBe(
      'failed to create typed patch object (default/w1; example.com/v1, Kind=Widget): .spec.bogus: field not declared in schema',
    );
    const two = await failure(
      apply(
        widget({ size: 1, bogus: true, ports: [{ name: 'http', extra: 1 }] }),
        'butler-portal',
      ),
    );
    expect(two.status.message).toBe(
      'failed to create typed patch object (default/w1; example.com/v1, Kind=Widget): errors:\n' +
        '  .spec.bogus: field not declared in schema\n' +
        '  .spec.ports[name="http"].extra: field not declared in schema',
    );
    // preserve-unknown-fields subtrees take anything
    const free = await apply(
      widget({ size: 1, config: { any: { thing: [1, 2] } } }),
      'butler-portal',
    );
    expect(free.spec.config).toEqual({ any: { thing: [1, 2] } });
    expect(entry(free, 'butler-portal').fieldsV1['f:spec']['f:config']).toEqual(
      {
        'f:any': { '.': {}, 'f:thing': {} },
      },
    );
  });

  it('validates the applied object and answers the apiserver errors for bad requests', async () => {
    const invalid = await failure(
      apply(widget({ size: 0, color: 'pink' }), 'butler-portal'),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.status.message).toBe(
      'Widget.example.com "w1" is invalid: [spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1, spec.color: Unsupported value: "pink": supported values: "red", "green", "blue"]',
    );

    const noManager = await raw(
      server,
      'PATCH',
      `${WIDGETS}/w1`,
      widget({ size: 1 }),
      'application/apply-patch+yaml',
    );
    expect(noManager.status).toBe(422);
    expect(noManager.body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );

    const wrongVersion = await raw(
      server,
      'PATCH',
      `${WIDGETS}/w1?fieldManager=x`,
      { ...widget({ size: 1 }), apiVersion: 'example.com/v2' },
      'application/apply-patch+yaml',
    );
    expect(wrongVersion.status).toBe(400);
    expect(wrongVersion.body.message).toBe(
      'Incorrect version specified in apply patch. Specified patch version: example.com/v2, expected: example.com/v1',
    );

    const forceOnMerge = await raw(
      server,
      'PATCH',
      `${WIDGETS}/w1?force=true`,
      { spec: {} },
      'application/merge-patch+json',
    );
    expect(forceOnMerge.status).toBe(422);
  });
});
