import { canonicalJson, FieldSet, pathToString } from './FieldSet';

describe('FieldSet', () => {
  const fieldsV1 = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:ports': {
        'k:{"name":"http","protocol":"TCP"}': { '.': {}, 'f:port': {} },
      },
      'f:tags': { 'v:"a"': {} },
      'f:args': {},
    },
  };

  it('reads and writes fieldsV1, members and "." markers included', () => {
    const set = FieldSet.fromFieldsV1(fieldsV1);
    expect(set.members().map(pathToString)).toEqual([
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.args',
      '.spec.ports[name="http",protocol="TCP"]',
      '.spec.ports[name="http",protocol="TCP"].port',
      '.spec.tags[="a"]',
    ]);
    expect(set.toFieldsV1()).toEqual(fieldsV1);
    // fields first, then keys, then values: the order structured-merge-diff writes
    expect(Object.keys(set.at(['f:spec'])!.toFieldsV1())).toEqual([
      'f:args',
      'f:ports',
      'f:tags',
    ]);
  });

  it('computes union, difference, intersection and removal under paths', () => {
    const a = new FieldSet();
    a.insert(['f:spec', 'f:a']);
    a.insert(['f:spec', 'f:b']);
    const b = new FieldSet();
    b.insert(['f:spec', 'f:b']);
    b.insert(['f:spec', 'f:c', 'f:d']);
    expect(a.union(b).members().map(pathToString)).toEqual([
      '.spec.a',
      '.spec.b',
      '.spec.c.d',
    ]);
    expect(a.difference(b).members().map(pathToString)).toEqual(['.spec.a']);
    expect(a.intersection(b).members().map(pathToString)).toEqual(['.spec.b']);
    const removed = new FieldSet();
    removed.insert(['f:spec', 'f:c']);
    expect(b.removeUnder(removed).members().map(pathToString)).toEqual([
      '.spec.b',
    ]);
    expect(b.hasAtOrBelow(['f:spec', 'f:c'])).toBe(true);
    expect(new FieldSet().isEmpty()).toBe(true);
  });

  it('refuses malformed fieldsV1', () => {
    expect(() => FieldSet.fromFieldsV1({ 'x:bad': {} })).toThrow(
      'invalid fieldsV1 path element "x:bad"',
    );
    expect(() => FieldSet.fromFieldsV1({ 'f:a': [] })).toThrow(
      'fieldsV1 nodes must be JSON objects',
    );
  });

  it('writes keys as JSON with sorted keys', () => {
    expect(
      canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 1 }], c: null } }),
    ).toBe('{"a":{"c":null,"d":[1,{"e":1,"f":2}]},"b":1}');
  });
});
