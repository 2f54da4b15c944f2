/*
 * Conformance: field ownership where a reconciler applying with server-side apply meets other
 * writers (kubectl patch/edit/replace, controllers). Runs against the test API server, or a
 * real cluster with $TEST_KUBECONFIG; only client-node's public API is used.
 */
import { PatchStrategy } from '@kubernetes/client-node';
import { failure } from '../testUtils';
import {
  ConformanceCluster,
  managedEntry,
  owners,
  RFC3339_SECONDS,
  startConformanceCluster,
  WORKSPACE_API_VERSION,
} from './conformanceCluster';

const LABELS_OWNED = {
  'f:metadata': {
    'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
  },
};

describe('field ownership (conformance)', () => {
  let cluster: ConformanceCluster;

  beforeAll(async () => {
    cluster = await startConformanceCluster();
  });
  afterAll(() => cluster.cleanup());

  let seq = 0;
  /** a fresh Workspace applied by butler-portal, for each test */
  async function applied(
    spec = { image: 'img:1', owner: 'alice@example.com' },
  ) {
    const name = `ws-${++seq}`;
    const object = await cluster.apply(
      cluster.workspace(name, spec),
      'butler-portal',
    );
    return { name, object };
  }

  it('records an applier as owning exactly what it applied, and a merge patch by another manager as an Update entry owning what it changed', async () => {
    const { name, object } = await applied();
    expect(object.metadata.managedFields).toEqual([
      {
        manager: 'butler-portal',
        operation: 'Apply',
        apiVersion: WORKSPACE_API_VERSION,
        time: expect.stringMatching(RFC3339_SECONDS),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          ...LABELS_OWNED,
          'f:spec': {
            'f:clusterRef': { 'f:name': {} },
            'f:image': {},
            'f:owner': {},
          },
        },
      },
    ]);
    // defaults (autoStopAfter, storageSize, ...) are set but owned by nobody
    expect(object.spec.autoStopAfter).toBe('8h');

    const patched = await cluster.patch(
      name,
      { spec: { image: 'img:2' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    expect(patched.spec.image).toBe('img:2');
    // appliers come first, then updaters
    expect(patched.metadata.managedFields).toEqual([
      {
        manager: 'butler-portal',
        operation: 'Apply',
        apiVersion: WORKSPACE_API_VERSION,
        time: expect.stringMatching(RFC3339_SECONDS),
        fieldsType: 'FieldsV1',
        fieldsV1: {
          ...LABELS_OWNED,
          'f:spec': { 'f:clusterRef': { 'f:name': {} }, 'f:owner': {} },
        },
      },
      {
        manager: 'kubectl-patch',
        operation: 'Update',
        apiVersion: WORKSPACE_API_VERSION,
        time: expect.stringMatching(RFC3339_SECONDS),
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:image': {} } },
      },
    ]);
  });

  it('gives nothing to a write that sets fields to the values they already have', async () => {
    const { name, object } = await applied();
    const same = await cluster.patch(
      name,
      { spec: { image: 'img:1', owner: 'alice@example.com' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    expect(same.metadata.resourceVersion).toBe(object.metadata.resourceVersion);
    expect(owners(same)).toEqual(['butler-portal/Apply']);

    // a patch that changes one field and repeats another takes only the changed one
    const one = await cluster.patch(
      name,
      { spec: { image: 'img:1', storageSize: '20Gi' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    expect(managedEntry(one, 'kubectl-patch').fieldsV1).toEqual({
      'f:spec': { 'f:storageSize': {} },
    });
    expect(managedEntry(one, 'butler-portal').fieldsV1['f:spec']).toEqual({
      'f:clusterRef': { 'f:name': {} },
      'f:image': {},
      'f:owner': {},
    });
  });

  it('answers a non-forced apply that changes a field another manager took with 409 and the apiserver Status', async () => {
    const { name } = await applied();
    await cluster.patch(
      name,
      { spec: { image: 'img:2' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    const { code, status } = await failure(
      cluster.apply(
        cluster.workspace(name, { image: 'img:1', owner: 'alice@example.com' }),
        'butler-portal',
      ),
    );
    expect(code).toBe(409);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Apply failed with 1 conflict: conflict with "kubectl-patch" using ${WORKSPACE_API_VERSION}: .spec.image`,
      reason: 'Conflict',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: `conflict with "kubectl-patch" using ${WORKSPACE_API_VERSION}`,
            field: '.spec.image',
          },
        ],
      },
      code: 409,
    });
    expect((await cluster.get(name)).spec.image).toBe('img:2');
  });

  it('lists several conflicts by manager, a PUT without fieldManager being owned by the User-Agent’s product', async () => {
    const { name } = await applied();
    await cluster.patch(
      name,
      { spec: { image: 'img:2' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    const live = await cluster.get(name);
    const replaced = await cluster.replace(
      { ...live, spec: { ...live.spec, owner: 'bob@example.com' } },
      undefined,
      'portal-conformance/1.0 (linux)',
    );
    expect(managedEntry(replaced, 'portal-conformance')).toEqual({
      manager: 'portal-conformance',
      operation: 'Update',
      apiVersion: WORKSPACE_API_VERSION,
      time: expect.stringMatching(RFC3339_SECONDS),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:owner': {} } },
    });

    const { code, status } = await failure(
      cluster.apply(
        cluster.workspace(name, { image: 'img:1', owner: 'alice@example.com' }),
        'butler-portal',
      ),
    );
    expect(code).toBe(409);
    expect(status.message).toBe(
      [
        'Apply failed with 2 conflicts: conflicts with "kubectl-patch" using butler.butlerlabs.dev/v1alpha1:',
        '- .spec.image',
        'conflicts with "portal-conformance" using butler.butlerlabs.dev/v1alpha1:',
        '- .spec.owner',
      ].join('\n'),
    );
    // the apiserver lists causes in map order: compare them as a set
    expect(status.details.causes).toHaveLength(2);
    expect(status.details.causes).toEqual(
      expect.arrayContaining([
        {
          reason: 'FieldManagerConflict',
          message: `conflict with "kubectl-patch" using ${WORKSPACE_API_VERSION}`,
          field: '.spec.image',
        },
        {
          reason: 'FieldManagerConflict',
          message: `conflict with "portal-conformance" using ${WORKSPACE_API_VERSION}`,
          field: '.spec.owner',
        },
      ]),
    );
  });

  it('shares a field applied with the value another manager set, and lets force take fields back from their owner', async () => {
    const { name } = await applied();
    await cluster.patch(
      name,
      { spec: { image: 'img:2', storageSize: '20Gi' } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    // the same value as kubectl-patch's: no conflict, both own it
    const shared = await cluster.apply(
      cluster.workspace(name, { image: 'img:2', owner: 'alice@example.com' }),
      'butler-portal',
    );
    expect(managedEntry(shared, 'butler-portal').fieldsV1['f:spec']).toEqual({
      'f:clusterRef': { 'f:name': {} },
      'f:image': {},
      'f:owner': {},
    });
    expect(managedEntry(shared, 'kubectl-patch').fieldsV1).toEqual({
      'f:spec': { 'f:image': {}, 'f:storageSize': {} },
    });

    const forced = await cluster.apply(
      cluster.workspace(name, {
        image: 'img:1',
        owner: 'alice@example.com',
        storageSize: '10Gi',
      }),
      'butler-portal',
      true,
    );
    expect(forced.spec).toMatchObject({ image: 'img:1', storageSize: '10Gi' });
    expect(managedEntry(forced, 'butler-portal').fieldsV1['f:spec']).toEqual({
      'f:clusterRef': { 'f:name': {} },
      'f:image': {},
      'f:owner': {},
      'f:storageSize': {},
    });
    // kubectl-patch owned nothing else: its entry is gone
    expect(owners(forced)).toEqual(['butler-portal/Apply']);
  });

  it('stamps an applier’s time only when its apply changes the object (a second applier of the same values gets none)', async () => {
    const { name, object } = await applied();
    const again = await cluster.apply(
      cluster.workspace(name, { image: 'img:1', owner: 'alice@example.com' }),
      'butler-portal',
    );
    expect(again.metadata.resourceVersion).toBe(
      object.metadata.resourceVersion,
    );

    const second = await cluster.apply(
      cluster.workspace(name, { image: 'img:1', owner: 'alice@example.com' }),
      'second-applier',
    );
    // the object's values did not change; ownership did (kubernetes/kubernetes#127938)
    expect(managedEntry(second, 'second-applier')).toEqual({
      manager: 'second-applier',
      operation: 'Apply',
      apiVersion: WORKSPACE_API_VERSION,
      fieldsType: 'FieldsV1',
      fieldsV1: managedEntry(object, 'butler-portal').fieldsV1,
    });
    expect(managedEntry(second, 'butler-portal').time).toBe(
      managedEntry(object, 'butler-portal').time,
    );
  });

  it('takes a field another manager removes from every owner; applying it again is no conflict', async () => {
    const { name } = await applied();
    const removed = await cluster.patch(
      name,
      { metadata: { labels: { 'app.kubernetes.io/managed-by': null } } },
      PatchStrategy.MergePatch,
      'kubectl-patch',
    );
    expect(removed.metadata.labels ?? {}).toEqual({});
    expect(
      managedEntry(removed, 'butler-portal').fieldsV1['f:metadata'],
    ).toBeUndefined();
    // removing takes nothing: kubectl-patch owns no field for it
    expect(managedEntry(removed, 'kubectl-patch')).toBeUndefined();

    const reapplied = await cluster.apply(
      cluster.workspace(name, { image: 'img:1', owner: 'alice@example.com' }),
      'butler-portal',
    );
    expect(reapplied.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'butler-portal',
    });
    expect(managedEntry(reapplied, 'butler-portal').fieldsV1).toMatchObject(
      LABELS_OWNED,
    );
  });

  it('leaves the other manager the fields a forced apply does not touch', async () => {
    const { name } = await applied();
    await cluster.patch(
      name,
      [
        { op: 'replace', path: '/spec/image', value: 'img:2' },
        { op: 'replace', path: '/spec/storageSize', value: '20Gi' },
      ],
      PatchStrategy.JsonPatch,
      'kubectl-json-patch',
    );
    const forced = await cluster.apply(
      cluster.workspace(name, { image: 'img:1', owner: 'alice@example.com' }),
      'butler-portal',
      true,
    );
    expect(forced.spec).toMatchObject({ image: 'img:1', storageSize: '20Gi' });
    expect(managedEntry(forced, 'kubectl-json-patch', 'Update')).toEqual({
      manager: 'kubectl-json-patch',
      operation: 'Update',
      apiVersion: WORKSPACE_API_VERSION,
      time: expect.stringMatching(RFC3339_SECONDS),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:storageSize': {} } },
    });
  });

  it('names a status writer with its subresource in conflicts', async () => {
    const { name } = await applied();
    const status = await cluster.patchStatus(
      name,
      { connected: true },
      'workspace-controller',
    );
    expect(managedEntry(status, 'workspace-controller')).toEqual({
      manager: 'workspace-controller',
      operation: 'Update',
      apiVersion: WORKSPACE_API_VERSION,
      time: expect.stringMatching(RFC3339_SECONDS),
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { '.': {}, 'f:connected': {} } },
      subresource: 'status',
    });
    const { code, status: conflict } = await failure(
      cluster.applyStatus(name, { connected: false }, 'butler-portal'),
    );
    expect(code).toBe(409);
    expect(conflict.message).toBe(
      `Apply failed with 1 conflict: conflict with "workspace-controller" with subresource "status" using ${WORKSPACE_API_VERSION}: .status.connected`,
    );
  });

  it('keeps at most 10 Update entries, merging the oldest into "ancient-changes"', async () => {
    const { name } = await applied();
    const managers = Array.from(
      { length: 11 },
      (_, i) => `manager-${String(i + 1).padStart(2, '0')}`,
    );
    let last: any;
    for (const manager of managers) {
      last = await cluster.patch(
        name,
        { metadata: { labels: { [manager]: 'x' } } },
        PatchStrategy.MergePatch,
        manager,
      );
    }
    // 11 updaters: the two oldest (by time, then identifier) share one entry
    expect(owners(last)).toEqual([
      'ancient-changes/Update',
      'butler-portal/Apply',
      ...managers.slice(2).map(m => `${m}/Update`),
    ]);
    expect(managedEntry(last, 'ancient-changes')).toEqual({
      manager: 'ancient-changes',
      operation: 'Update',
      apiVersion: WORKSPACE_API_VERSION,
      time: expect.stringMatching(RFC3339_SECONDS),
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': {
          'f:labels': { 'f:manager-01': {}, 'f:manager-02': {} },
        },
      },
    });
  });

  it('refuses a strategic merge patch on a custom resource with a bare 415 Status', async () => {
    const { name } = await applied();
    const { code, status } = await failure(
      cluster.patch(
        name,
        { spec: { image: 'img:2' } },
        PatchStrategy.StrategicMergePatch,
        'kubectl-patch',
      ),
    );
    expect(code).toBe(415);
    expect(status).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
      reason: 'UnsupportedMediaType',
      code: 415,
    });
  });
});
