/*
 * A unified diff of two texts, for the editor's preview of what Save will propose (the change
 * request's own diff is shown once it is opened). Myers' O(ND) algorithm on lines: a
 * one-option edit is one removed and one added line.
 */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const v = new Map<number, number>([[1, 0]]);
  const trace: Map<number, number>[] = [];
  const down = (vd: Map<number, number>, k: number, d: number) =>
    k === -d || (k !== d && (vd.get(k - 1) ?? -1) < (vd.get(k + 1) ?? -1));
  let done = false;
  for (let d = 0; d <= max && !done; d++) {
    trace.push(new Map(v));
    for (let k = -d; k <= d && !done; k += 2) {
      let x = down(v, k, d) ? v.get(k + 1) ?? 0 : (v.get(k - 1) ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v.set(k, x);
      done = x >= n && y >= m;
    }
  }
  // walk back through the trace
  const out: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0 && (x > 0 || y > 0); d--) {
    const vd = trace[d];
    const k = x - y;
    const prevK =
      k === -d || (k !== d && (vd.get(k - 1) ?? -1) < (vd.get(k + 1) ?? -1))
        ? k + 1
        : k - 1;
    const prevX = vd.get(prevK) ?? 0;
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      out.push({ op: ' ', text: a[x - 1] });
      x--;
      y--;
    }
    if (d > 0) {
      if (x === prevX) out.push({ op: '+', text: b[y - 1] });
      else out.push({ op: '-', text: a[x - 1] });
    }
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}

/** Only the changed lines with `context` unchanged lines around them, as `diff -u` prints. */
export function changedHunks(lines: DiffLine[], context = 2): DiffLine[][] {
  const keep = lines.map(() => false);
  lines.forEach((l, i) => {
    if (l.op === ' ') return;
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) {
      keep[j] = true;
    }
  });
  const hunks: DiffLine[][] = [];
  let current: DiffLine[] | undefined;
  lines.forEach((l, i) => {
    if (keep[i]) {
      if (!current) hunks.push((current = []));
      current.push(l);
    } else current = undefined;
  });
  return hunks;
}
