/*
 * Splits a unified diff (as `git diff` and the gitops backend write it) into typed lines with
 * their old and new line numbers, for display. File headers are dropped: the page shows the path.
 * The line counts of each hunk header say where the hunk ends, so a removed line that reads
 * `-- x` (shown as `--- x`) is never mistaken for a file header.
 */

export type DiffLineType = 'hunk' | 'add' | 'remove' | 'context' | 'note';

export interface DiffLine {
  type: DiffLineType;
  text: string;
  /** line number in the old file (remove, context) */
  oldLine?: number;
  /** line number in the new file (add, context) */
  newLine?: number;
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

export function parseUnifiedDiff(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const text of diff.split('\n')) {
    const hunk = HUNK.exec(text);
    if (oldLeft === 0 && newLeft === 0) {
      if (hunk) {
        oldLine = Number(hunk[1]);
        oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2]);
        newLine = Number(hunk[3]);
        newLeft = hunk[4] === undefined ? 1 : Number(hunk[4]);
        lines.push({ type: 'hunk', text });
      } else if (text.startsWith('\\') && lines.length) {
        lines.push({ type: 'note', text: text.slice(1).trim() });
      }
      // anything else outside a hunk is a file header
      continue;
    }
    if (text.startsWith('+')) {
      lines.push({ type: 'add', text: text.slice(1), newLine: newLine++ });
      newLeft--;
    } else if (text.startsWith('-')) {
      lines.push({ type: 'remove', text: text.slice(1), oldLine: oldLine++ });
      oldLeft--;
    } else if (text.startsWith('\\')) {
      lines.push({ type: 'note', text: text.slice(1).trim() });
    } else {
      lines.push({
        type: 'context',
        text: text.slice(1),
        oldLine: oldLine++,
        newLine: newLine++,
      });
      oldLeft--;
      newLeft--;
    }
    oldLeft = Math.max(oldLeft, 0);
    newLeft = Math.max(newLeft, 0);
  }
  return lines;
}
