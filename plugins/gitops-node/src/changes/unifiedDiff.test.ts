import { unifiedDiff } from './unifiedDiff';

describe('unifiedDiff', () => {
  it('shows one changed line as one removal and one addition', () => {
    const before = 'a: 1\n# keep\nb: 2\nc: 3\n';
    const after = 'a: 1\n# keep\nb: 5\nc: 3\n';
    const diff = unifiedDiff('x/y.yaml', before, after);
    expect(diff.split('\n').slice(0, 2)).toEqual([
      '--- a/x/y.yaml',
      '+++ b/x/y.yaml',
    ]);
    expect(diff.split('\n').filter(l => /^[-+][^-+]/.test(l))).toEqual([
      '-b: 2',
      '+b: 5',
    ]);
  });

  it('diffs an added file against /dev/null', () => {
    const diff = unifiedDiff('x/y.yaml', undefined, 'a: 1\nb: 2\n');
    expect(diff).toContain(
      '--- /dev/null\n+++ b/x/y.yaml\n@@ -0,0 +1,2 @@\n+a: 1\n+b: 2\n',
    );
  });

  it('diffs a deleted file against /dev/null', () => {
    const diff = unifiedDiff('x/y.yaml', 'a: 1\n', undefined);
    expect(diff).toContain(
      '--- a/x/y.yaml\n+++ /dev/null\n@@ -1,1 +0,0 @@\n-a: 1\n',
    );
  });

  it('is empty for equal sides', () => {
    expect(unifiedDiff('x', 'a\n', 'a\n')).toBe('');
  });
});
