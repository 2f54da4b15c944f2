import { mergeEditIntoOriginal } from './lineMerge';

describe('mergeEditIntoOriginal', () => {
  it('applies an edit and keeps differently printed lines of the original', () => {
    const original = 'a: 1   # spaced\nb: 2\nc: {x: 1}\n';
    const before = 'a: 1 # spaced\nb: 2\nc: { x: 1 }\n';
    const after = 'a: 1 # spaced\nb: 3\nc: { x: 1 }\n';
    expect(mergeEditIntoOriginal(original, before, after)).toBe(
      'a: 1   # spaced\nb: 3\nc: {x: 1}\n',
    );
    // when bordering lines must go with the edit, the printed ones are taken
    expect(mergeEditIntoOriginal(original, before, after, true)).toBe(after);
  });

  it('takes the printed lines where the edit overlaps a reprinted line', () => {
    const original = 'a: 1   # spaced\nb: 2\n';
    expect(
      mergeEditIntoOriginal(
        original,
        'a: 1 # spaced\nb: 2\n',
        'a: 5 # spaced\nb: 2\n',
      ),
    ).toBe('a: 5 # spaced\nb: 2\n');
  });

  it('handles insertions and deletions', () => {
    const original = 'x:   1\na: 1\nb: 2\nc: 3\n';
    const before = 'x: 1\na: 1\nb: 2\nc: 3\n';
    expect(
      mergeEditIntoOriginal(original, before, 'x: 1\na: 1\nb: 2\nc: 3\nd: 4\n'),
    ).toBe('x:   1\na: 1\nb: 2\nc: 3\nd: 4\n');
    expect(mergeEditIntoOriginal(original, before, 'x: 1\na: 1\nc: 3\n')).toBe(
      'x:   1\na: 1\nc: 3\n',
    );
  });

  it('returns the original when nothing was edited', () => {
    const original = 'a:    1\nb: 2\n';
    expect(
      mergeEditIntoOriginal(original, 'a: 1\nb: 2\n', 'a: 1\nb: 2\n'),
    ).toBe(original);
  });

  it('gives up when the texts differ too much', () => {
    const before = Array.from({ length: 2000 }, (_, i) => `k${i}: ${i}`).join(
      '\n',
    );
    const original = Array.from(
      { length: 2000 },
      (_, i) => `k${i}:  ${i}`,
    ).join('\n');
    expect(mergeEditIntoOriginal(original, before, before)).toBeUndefined();
  });
});
