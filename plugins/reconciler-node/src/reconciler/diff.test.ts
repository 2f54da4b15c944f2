import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import {
  DesiredObject,
  contentHash,
  withManagedByLabel,
} from '../targets/types';
import { containsFields, diff } from './diff';
import type { InventoryRecord } from './types';

function desired(name: string, owner = 'a@example.com'): DesiredObject {
  const object = withManagedByLabel({
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace: 'ns' },
    spec: { owner, resources: { cpu: '2' } },
  } as GitOpsResource);
  return {
    ref: { kind: 'Workspace', namespace: 'ns', name },
    object,
    hash: contentHash(object),
  };
}

function record(
  d: DesiredObject,
  overrides: Partial<InventoryRecord> = {},
): InventoryRecord {
  return {
    ref: d.ref,
    hash: d.hash,
    revision: 'r1',
    status: 'Synced',
    condition: { type: 'Ready', reason: 'Applied' },
    ...overrides,
  };
}

describe('diff', () => {
  it('sorts objects into apply (with why), adopt, prune and unchanged', () => {
    const same = desired('same');
    const changed = desired('changed', 'new@example.com');
    const created = desired('created');
    const failed = desired('failed');
    const drifted = desired('drifted');
    const missing = desired('missing');
    const adopted = desired('adopted');
    const gone = desired('gone');
    const plan = diff(
      [same, changed, created, failed, drifted, missing, adopted],
      [
        record(same),
        record(changed, { hash: desired('changed').hash }),
        record(failed, { status: 'Failed', hash: undefined }),
        record(drifted),
        record(missing),
        record(gone),
      ],
      [
        { ref: same.ref, hash: same.hash },
        { ref: changed.ref, hash: desired('changed').hash },
        { ref: drifted.ref, hash: 'edited-by-hand' },
        { ref: adopted.ref, hash: adopted.hash },
        { ref: gone.ref, hash: gone.hash },
      ],
    );
    expect(plan.toApply.map(a => [a.desired.ref.name, a.reason])).toEqual([
      ['changed', 'Changed'],
      ['created', 'Created'],
      ['failed', 'Retry'],
      ['drifted', 'Drifted'],
      ['missing', 'Missing'],
    ]);
    expect(plan.toAdopt.map(d => d.ref.name)).toEqual(['adopted']);
    expect(plan.unchanged.map(d => d.ref.name)).toEqual(['same']);
    expect(plan.toPrune).toEqual([gone.ref]);
    expect(plan.drifted).toEqual([]);
  });

  it('reports drift instead of re-applying when self-heal is off', () => {
    const d = desired('dev');
    const plan = diff([d], [record(d)], [], { selfHeal: false });
    expect(plan.toApply).toEqual([]);
    expect(plan.drifted).toEqual([{ desired: d, reason: 'Missing' }]);
  });

  it('compares a live object without a hash by the desired fields only', () => {
    const d = desired('dev');
    const live = {
      ...d.object,
      metadata: { ...d.object.metadata, uid: 'u-1', resourceVersion: '7' },
      status: { phase: 'Running' },
    };
    expect(diff([d], [record(d)], [{ ref: d.ref, live }]).unchanged).toEqual([
      d,
    ]);
    const edited = {
      ...live,
      spec: { ...live.spec, owner: 'someone@example.com' },
    };
    expect(
      diff([d], [record(d)], [{ ref: d.ref, live: edited }]).toApply,
    ).toEqual([{ desired: d, reason: 'Drifted' }]);
  });
});

describe('containsFields', () => {
  it('needs every wanted field, allows extra ones, and compares lists whole', () => {
    expect(containsFields({ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } })).toBe(
      true,
    );
    expect(containsFields({ a: 1 }, { a: 2 })).toBe(false);
    expect(containsFields({ a: [1, 2] }, { a: [1] })).toBe(false);
    expect(containsFields({ a: [{ x: 1, y: 2 }] }, { a: [{ x: 1 }] })).toBe(
      true,
    );
    expect(containsFields({ a: null }, { a: {} })).toBe(false);
  });
});
