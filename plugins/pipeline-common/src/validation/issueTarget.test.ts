import { issueTarget } from './issueTarget';

describe('issueTarget', () => {
  it('maps an issue to the edge, the component or the pipeline it concerns', () => {
    expect(issueTarget('/spec/sinks/prom/inputs/0')).toEqual({
      on: 'edge',
      kind: 'sink',
      id: 'prom',
      inputIndex: 0,
    });
    expect(issueTarget('/spec/sinks/loki/options/encoding/codec')).toEqual({
      on: 'component',
      kind: 'sink',
      id: 'loki',
      option: 'encoding.codec',
    });
    expect(issueTarget('/spec/transforms/a~1b')).toEqual({
      on: 'component',
      kind: 'transform',
      id: 'a/b',
    });
    expect(issueTarget('/spec/sources/app/inputs')).toEqual({
      on: 'component',
      kind: 'source',
      id: 'app',
    });
    for (const pointer of [
      '',
      '/metadata/name',
      '/spec/sources',
      '/spec/layout/a',
    ]) {
      expect(issueTarget(pointer)).toEqual({ on: 'pipeline' });
    }
  });
});
