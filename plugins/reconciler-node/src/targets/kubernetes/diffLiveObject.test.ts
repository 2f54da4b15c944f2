import {
  DESIRED_STATE_ANNOTATION,
  diffLiveObject,
  fieldManagers,
  ownedFields,
  pathToString,
  valueAt,
} from './diffLiveObject';

/** A live object as the apiserver returns it after `butler-portal` applied `spec.image`, labels and ports. */
function live(
  overrides: {
    spec?: object;
    annotations?: object;
    managedFields?: object[];
  } = {},
) {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: {
      name: 'w',
      namespace: 'ns',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { team: 'a', 'added-by-someone': 'x' },
      annotations: {
        [DESIRED_STATE_ANNOTATION]: 'stopped',
        ...overrides.annotations,
      },
      managedFields: overrides.managedFields ?? [
        {
          manager: 'butler-portal',
          operation: 'Apply',
          apiVersion: 'example.com/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:metadata': {
              'f:labels': { 'f:team': {} },
              'f:annotations': { [`f:${DESIRED_STATE_ANNOTATION}`]: {} },
            },
            'f:spec': {
              'f:image': {},
              'f:tags': { 'v:"a"': {} },
              'f:ports': {
                'k:{"name":"http"}': { '.': {}, 'f:name': {}, 'f:port': {} },
              },
              'f:resources': {},
            },
          },
        },
        {
          manager: 'sidecar',
          operation: 'Apply',
          apiVersion: 'example.com/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: {
            'f:spec': {
              'f:ports': {
                'k:{"name":"metrics"}': { '.': {}, 'f:name': {}, 'f:port': {} },
              },
            },
          },
        },
        {
          manager: 'controller',
          operation: 'Update',
          subresource: 'status',
          apiVersion: 'example.com/v1',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:status': { 'f:phase': {} } },
        },
      ],
    },
    spec: {
      image: 'app:1',
      replicas: 1, // a default: nobody applied it
      tags: ['a', 'z'],
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { name: 'metrics', port: 9090 },
      ],
      resources: { cpu: '1' }, // defaults inside a map the portal asked for empty
      ...overrides.spec,
    },
    status: { phase: 'Running' },
  };
}

const desired = {
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: {
    name: 'w',
    namespace: 'ns',
    labels: { team: 'a' },
    annotations: { [DESIRED_STATE_ANNOTATION]: 'running' },
  },
  spec: {
    image: 'app:1',
    tags: ['a'],
    ports: [{ name: 'http', port: 80 }],
    resources: {},
  },
};

describe('diffLiveObject', () => {
  it('is in sync when owned and desired fields match, whatever else the cluster holds', () => {
    expect(diffLiveObject(desired, live())).toEqual({
      inSync: true,
      drifted: [],
      details: [],
    });
  });

  it('reports owned fields changed behind the portal, with both values', () => {
    const result = diffLiveObject(
      desired,
      live({
        spec: { image: 'hand-edited:2', ports: [{ name: 'http', port: 81 }] },
      }),
    );
    expect(result.inSync).toBe(false);
    expect(result.details).toEqual([
      { path: '.spec.image', desired: 'app:1', live: 'hand-edited:2' },
      { path: '.spec.ports[name="http"].port', desired: 80, live: 81 },
    ]);
  });

  it('reports desired fields the live object lacks, and owned fields Git no longer sets', () => {
    const wanted = {
      ...desired,
      spec: { ...desired.spec, image: undefined, slug: 'new' },
    };
    expect(diffLiveObject(wanted, live()).drifted).toEqual([
      '.spec.image',
      '.spec.slug',
    ]);
  });

  it('counts the runtime annotations only when not ignored', () => {
    expect(diffLiveObject(desired, live(), { ignore: [] }).drifted).toEqual([
      `.metadata.annotations.${DESIRED_STATE_ANNOTATION}`,
    ]);
    expect(
      diffLiveObject(desired, live({ annotations: { note: 'x' } }), {
        ignore: [['metadata', 'annotations']],
      }).inSync,
    ).toBe(true);
  });

  it('compares every desired field when the portal owns none yet', () => {
    const unowned = live({ managedFields: [], spec: { image: 'other:1' } });
    expect(diffLiveObject(desired, unowned).drifted).toEqual([
      '.spec.image',
      '.spec.ports',
      '.spec.tags',
    ]);
  });

  it('reads ownership from fieldsV1, ignoring other managers and subresources', () => {
    expect(ownedFields(live()).map(o => pathToString(o.path))).toEqual([
      '.metadata.labels.team',
      `.metadata.annotations.${DESIRED_STATE_ANNOTATION}`,
      '.spec.image',
      '.spec.tags[="a"]',
      '.spec.ports[name="http"]',
      '.spec.ports[name="http"].name',
      '.spec.ports[name="http"].port',
      '.spec.resources',
    ]);
    expect(
      ownedFields(live(), 'sidecar').map(o => pathToString(o.path)),
    ).toEqual([
      '.spec.ports[name="metrics"]',
      '.spec.ports[name="metrics"].name',
      '.spec.ports[name="metrics"].port',
    ]);
    expect(ownedFields(live(), 'controller')).toEqual([]);
    expect(ownedFields({ metadata: {} })).toEqual([]);
  });

  it('finds values by field, key, set value and index', () => {
    const object = live();
    expect(
      valueAt(object, [
        { field: 'spec' },
        { field: 'ports' },
        { key: { name: 'metrics' } },
        { field: 'port' },
      ]),
    ).toBe(9090);
    expect(
      valueAt(object, [{ field: 'spec' }, { field: 'tags' }, { value: 'z' }]),
    ).toBe('z');
    expect(
      valueAt(object, [{ field: 'spec' }, { field: 'tags' }, { index: 0 }]),
    ).toBe('a');
    expect(
      valueAt(object, [
        { field: 'spec' },
        { field: 'nothing' },
        { field: 'deeper' },
      ]),
    ).toBeUndefined();
  });
});

describe('fieldManagers', () => {
  const object = {
    metadata: {
      managedFields: [
        {
          manager: 'butler-portal',
          operation: 'Apply',
          fieldsV1: { 'f:spec': { 'f:owner': {}, 'f:ports': {} } },
        },
        {
          manager: 'kubectl-patch',
          operation: 'Update',
          fieldsV1: { 'f:spec': { 'f:image': {} } },
        },
        {
          manager: 'kubectl-edit',
          operation: 'Update',
          fieldsV1: {
            'f:metadata': { 'f:labels': { '.': {}, 'f:team': {} } },
          },
        },
        {
          manager: 'controller',
          operation: 'Update',
          subresource: 'status',
          fieldsV1: { 'f:status': { 'f:phase': {} } },
        },
      ],
    },
  };
  const labels = (path: string) =>
    fieldManagers(object, path).map(o => o.label);

  it('names the manager owning a field, as `manager (Operation)`', () => {
    expect(labels('.spec.image')).toEqual(['kubectl-patch (Update)']);
    expect(labels('.spec.owner')).toEqual(['butler-portal (Apply)']);
    expect(labels('.status.phase')).toEqual(['controller (Update of status)']);
  });

  it('counts owners of a part of the field, and of an atomic value holding it', () => {
    expect(labels('.metadata.labels')).toEqual(['kubectl-edit (Update)']);
    expect(labels('.spec')).toEqual([
      'butler-portal (Apply)',
      'kubectl-patch (Update)',
    ]);
    // ports is owned whole (an atomic list): its items are too
    expect(labels('.spec.ports[0]')).toEqual(['butler-portal (Apply)']);
  });

  it('finds nobody for a field nobody owns (it was removed)', () => {
    expect(fieldManagers(object, '.spec.size')).toEqual([]);
    expect(fieldManagers({ metadata: {} }, '.spec.image')).toEqual([]);
  });
});
