import { describePointer, parsePointer, toPointer } from './pointer';

describe('JSON Pointers', () => {
  it('round-trips segments with "/" and "~"', () => {
    const segments = ['metadata', 'labels', 'app.kubernetes.io/name', 'a~b'];
    const pointer = toPointer(segments);
    expect(pointer).toBe('/metadata/labels/app.kubernetes.io~1name/a~0b');
    expect(parsePointer(pointer)).toEqual(segments);
  });

  it('treats the empty pointer as the whole document', () => {
    expect(parsePointer('')).toEqual([]);
    expect(toPointer([])).toBe('');
    expect(describePointer('')).toBe('(document)');
  });

  it('describes pointers in the dotted form people read', () => {
    expect(describePointer('/spec/resources/cpu')).toBe('spec.resources.cpu');
    expect(describePointer('/spec/repositories/0/url')).toBe(
      'spec.repositories[0].url',
    );
    expect(describePointer('/metadata/labels/app.kubernetes.io~1name')).toBe(
      'metadata.labels["app.kubernetes.io/name"]',
    );
    expect(describePointer('/spec/sinks/my-sink/inputs/1')).toBe(
      'spec.sinks.my-sink.inputs[1]',
    );
    expect(describePointer('/spec/a b')).toBe('spec["a b"]');
  });
});
