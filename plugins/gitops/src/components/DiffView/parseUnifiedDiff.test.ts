import { parseUnifiedDiff } from './parseUnifiedDiff';

describe('parseUnifiedDiff', () => {
  it('numbers added, removed and context lines and drops file headers', () => {
    const diff = [
      'diff --git a/workspaces/team-a/x.yaml b/workspaces/team-a/x.yaml',
      'index 1111111..2222222 100644',
      '--- a/workspaces/team-a/x.yaml',
      '+++ b/workspaces/team-a/x.yaml',
      '@@ -3,3 +3,4 @@ metadata:',
      '   name: x',
      '-  image: a',
      '+  image: b',
      '+  storageSize: 20Gi',
      '   owner: jane@example.com',
      '',
    ].join('\n');

    expect(parseUnifiedDiff(diff)).toEqual([
      { type: 'hunk', text: '@@ -3,3 +3,4 @@ metadata:' },
      { type: 'context', text: '  name: x', oldLine: 3, newLine: 3 },
      { type: 'remove', text: '  image: a', oldLine: 4 },
      { type: 'add', text: '  image: b', newLine: 4 },
      { type: 'add', text: '  storageSize: 20Gi', newLine: 5 },
      {
        type: 'context',
        text: '  owner: jane@example.com',
        oldLine: 5,
        newLine: 6,
      },
    ]);
  });

  it('reads a removed line that looks like a file header as a removal', () => {
    const diff = ['@@ -1,2 +1,1 @@', '--- x', ' keep', ''].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual([
      { type: 'hunk', text: '@@ -1,2 +1,1 @@' },
      { type: 'remove', text: '-- x', oldLine: 1 },
      { type: 'context', text: 'keep', oldLine: 2, newLine: 1 },
    ]);
  });

  it('handles a new file, single-line hunks and the no-newline marker', () => {
    const diff = [
      '--- /dev/null',
      '+++ b/a.yaml',
      '@@ -0,0 +1 @@',
      '+kind: Workspace',
      '\\ No newline at end of file',
      '@@ -10 +11 @@',
      '-a',
      '+b',
    ].join('\n');
    expect(parseUnifiedDiff(diff)).toEqual([
      { type: 'hunk', text: '@@ -0,0 +1 @@' },
      { type: 'add', text: 'kind: Workspace', newLine: 1 },
      { type: 'note', text: 'No newline at end of file' },
      { type: 'hunk', text: '@@ -10 +11 @@' },
      { type: 'remove', text: 'a', oldLine: 10 },
      { type: 'add', text: 'b', newLine: 11 },
    ]);
  });

  it('gives nothing for an empty diff', () => {
    expect(parseUnifiedDiff('')).toEqual([]);
  });
});
