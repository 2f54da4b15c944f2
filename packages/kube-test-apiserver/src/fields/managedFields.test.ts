import { FieldSet } from './FieldSet';
import {
  capUpdateManagers,
  describeManager,
  encodeManagedFields,
  Manager,
  managerIdentifier,
} from './managedFields';

function manager(
  name: string,
  operation: 'Apply' | 'Update',
  options: {
    apiVersion?: string;
    time?: string;
    subresource?: string;
    fields?: string[];
  } = {},
): Manager {
  const set = new FieldSet();
  for (const f of options.fields ?? [`f:${name}`]) set.insert(['f:spec', f]);
  return {
    manager: name,
    operation,
    apiVersion: options.apiVersion ?? 'example.com/v1',
    ...(options.time ? { time: options.time } : {}),
    ...(options.subresource ? { subresource: options.subresource } : {}),
    set,
  };
}

describe('managedFields', () => {
  it('names managers as the apiserver prints them in conflicts', () => {
    expect(describeManager(manager('helm', 'Apply'))).toBe('"helm"');
    expect(describeManager(manager('kubectl-edit', 'Update'))).toBe(
      '"kubectl-edit" using example.com/v1',
    );
    expect(
      describeManager(
        manager('controller', 'Update', { subresource: 'status' }),
      ),
    ).toBe('"controller" with subresource "status" using example.com/v1');
  });

  it('identifies appliers without their apiVersion and updaters with it', () => {
    expect(
      managerIdentifier(manager('helm', 'Apply', { apiVersion: 'x/v2' })),
    ).toBe('{"manager":"helm","operation":"Apply"}');
    expect(
      managerIdentifier(
        manager('c', 'Update', { apiVersion: 'x/v2', subresource: 'status' }),
      ),
    ).toBe(
      '{"manager":"c","operation":"Update","apiVersion":"x/v2","subresource":"status"}',
    );
  });

  it('writes appliers first, then by time, manager, apiVersion and subresource', () => {
    const entries = encodeManagedFields([
      manager('b', 'Update', { time: '2026-01-01T00:00:02Z' }),
      manager('a', 'Update', { time: '2026-01-01T00:00:02Z' }),
      manager('a', 'Update', {
        time: '2026-01-01T00:00:02Z',
        subresource: 'status',
      }),
      manager('z', 'Update', { time: '2026-01-01T00:00:01Z' }),
      manager('y', 'Apply', { time: '2026-01-01T00:00:05Z' }),
      manager('x', 'Apply'),
    ]);
    expect(
      entries.map(e =>
        [e.operation, e.manager, e.subresource].filter(Boolean).join(' '),
      ),
    ).toEqual([
      'Apply x',
      'Apply y',
      'Update z',
      'Update a',
      'Update a status',
      'Update b',
    ]);
    expect(entries[0]).not.toHaveProperty('time');
    expect(entries[1]).toMatchObject({
      time: '2026-01-01T00:00:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:y': {} } },
    });
  });

  it('merges the oldest updaters past 10 into one ancient-changes entry per apiVersion', () => {
    const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, '0')}Z`;
    const managers = [
      manager('applier', 'Apply', { time: at(0) }),
      manager('old-v2-a', 'Update', {
        time: at(1),
        apiVersion: 'example.com/v2',
      }),
      manager('old-v1-a', 'Update', { time: at(2) }),
      manager('old-v1-b', 'Update', { time: at(3) }),
      manager('old-v1-c', 'Update', { time: at(4) }),
      ...Array.from({ length: 9 }, (_, i) =>
        manager(`new-${i}`, 'Update', { time: at(10 + i) }),
      ),
    ];
    // 13 updaters, three must go. Oldest first: old-v2-a is the first of its version (kept);
    // old-v1-a becomes the bucket, then old-v1-b, old-v1-c and new-0 are merged into it.
    const capped = capUpdateManagers(managers);
    expect(capped.filter(m => m.operation === 'Update')).toHaveLength(10);
    const ancient = capped.filter(m => m.manager === 'ancient-changes');
    expect(ancient).toHaveLength(1);
    expect(ancient[0]).toMatchObject({
      apiVersion: 'example.com/v1',
      time: at(10),
    });
    expect(ancient[0].set.toFieldsV1()).toEqual({
      'f:spec': {
        'f:new-0': {},
        'f:old-v1-a': {},
        'f:old-v1-b': {},
        'f:old-v1-c': {},
      },
    });
    expect(capped.map(m => m.manager)).toContain('old-v2-a');
    expect(capped.map(m => m.manager)).toContain('applier');
    expect(capUpdateManagers(managers.slice(0, 11))).toHaveLength(11);
  });
});
