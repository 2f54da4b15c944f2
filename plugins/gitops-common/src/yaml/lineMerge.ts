/*
 * yaml re-prints a whole document when it is stringified; it keeps comments and key order but
 * may respace a comment, refold a folded scalar or pad a flow mapping. To keep those untouched
 * lines byte for byte, the codec prints the document twice (before and after the edit) and
 * merges three ways: the edit is the difference between the two prints, and it is applied to
 * the original text wherever the original and the first print agree around it.
 */

/** The largest number of line edits a diff may take before the merge gives up. */
const MAX_EDITS = 500;

/** A replaced range of base lines `[start, end)` and the lines that take its place. */
interface Hunk {
  start: number;
  end: number;
  lines: string[];
  side: 'formatting' | 'edit';
}

/**
 * Applies the change `printedBefore → printedAfter` to `original`, where `printedBefore` is
 * `original` re-printed. Lines of `original` that differ from `printedBefore` are kept unless the
 * edit overlaps them (or, with `bordersConflict`, merely borders them); there the printed lines
 * win. Returns `undefined` when the texts differ in too many places to merge sensibly.
 *
 * @remarks
 * The result is plain text surgery; the caller checks that it still parses to what it should.
 */
export function mergeEditIntoOriginal(
  original: string,
  printedBefore: string,
  printedAfter: string,
  bordersConflict = false,
): string | undefined {
  const base = printedBefore.split('\n');
  const formatting = diffLines(base, original.split('\n'), 'formatting');
  const edit = diffLines(base, printedAfter.split('\n'), 'edit');
  if (!formatting || !edit) {
    return undefined;
  }
  const hunks = [...formatting, ...edit].sort(
    (a, b) => a.start - b.start || a.end - b.end,
  );
  const out: string[] = [];
  let position = 0;
  let i = 0;
  while (i < hunks.length) {
    // A group is a run of hunks that overlap (or border); one side decides the whole group.
    const group = [hunks[i]];
    let end = hunks[i].end;
    i++;
    while (
      i < hunks.length &&
      conflicts(group, hunks[i], end, bordersConflict)
    ) {
      group.push(hunks[i]);
      end = Math.max(end, hunks[i].end);
      i++;
    }
    const start = group[0].start;
    out.push(...base.slice(position, start));
    const side = group.some(h => h.side === 'edit') ? 'edit' : 'formatting';
    let cursor = start;
    for (const hunk of group.filter(h => h.side === side)) {
      out.push(...base.slice(cursor, hunk.start), ...hunk.lines);
      cursor = hunk.end;
    }
    out.push(...base.slice(cursor, end));
    position = end;
  }
  out.push(...base.slice(position));
  return out.join('\n');
}

function conflicts(
  group: Hunk[],
  next: Hunk,
  end: number,
  bordersConflict: boolean,
): boolean {
  if (next.start !== end) {
    return next.start < end;
  }
  if (bordersConflict) {
    return true;
  }
  // two insertions at one place: which comes first is unknown
  return (
    next.start === next.end &&
    group.some(h => h.start === h.end && h.start === next.start)
  );
}

/**
 * Line hunks turning `a` into `b` (Myers' O(ND) algorithm), or `undefined` beyond
 * {@link MAX_EDITS} edits.
 */
function diffLines(
  a: string[],
  b: string[],
  side: Hunk['side'],
): Hunk[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const offset = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v);
    v = v.slice();
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
          ? v[offset + k + 1]
          : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        return toHunks(backtrack(trace, offset, n, m), b, side);
      }
    }
  }
  return undefined;
}

type Step =
  | { op: 'keep'; a: number }
  | { op: 'delete'; a: number }
  | { op: 'insert'; b: number };

function backtrack(
  trace: Int32Array[],
  offset: number,
  n: number,
  m: number,
): Step[] {
  const steps: Step[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    const prevK =
      k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])
        ? k + 1
        : k - 1;
    const prevX = v[offset + prevK];
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      steps.push({ op: 'keep', a: x });
    }
    if (d > 0) {
      if (x === prevX) steps.push({ op: 'insert', b: prevY });
      else steps.push({ op: 'delete', a: prevX });
    }
    x = prevX;
    y = prevY;
  }
  return steps.reverse();
}

function toHunks(steps: Step[], b: string[], side: Hunk['side']): Hunk[] {
  const hunks: Hunk[] = [];
  let aPos = 0;
  let current: Hunk | undefined;
  for (const step of steps) {
    if (step.op === 'keep') {
      current = undefined;
      aPos = step.a + 1;
      continue;
    }
    if (!current) {
      current = { start: aPos, end: aPos, lines: [], side };
      hunks.push(current);
    }
    if (step.op === 'delete') {
      current.end = step.a + 1;
      aPos = step.a + 1;
    } else {
      current.lines.push(b[step.b]);
    }
  }
  return hunks;
}
