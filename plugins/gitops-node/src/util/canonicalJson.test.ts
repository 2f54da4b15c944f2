import { canonicalJson } from './canonicalJson';

describe('canonicalJson', () => {
  it('sorts keys at every level, so key order does not change the text', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[2,{"e":0,"f":1}]},"b":1}',
    );
    expect(canonicalJson({ a: { c: 'x', d: [2, { e: 0, f: 1 }] }, b: 1 })).toBe(
      canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: 'x' } }),
    );
  });

  it('leaves out undefined members and writes undefined items as null, as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined, 1] })).toBe(
      '{"b":null,"c":[null,1]}',
    );
    expect(canonicalJson({ a: undefined, b: null, c: [undefined, 1] })).toBe(
      JSON.stringify({ b: null, c: [undefined, 1] }),
    );
    expect(canonicalJson(undefined)).toBe('null');
  });

  it('keeps the order of array items: they mean something', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('writes a Date as its ISO text, as JSON.stringify does', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(canonicalJson({ at })).toBe('{"at":"2026-01-02T03:04:05.000Z"}');
    expect(canonicalJson({ at })).toBe(JSON.stringify({ at }));
  });
});
