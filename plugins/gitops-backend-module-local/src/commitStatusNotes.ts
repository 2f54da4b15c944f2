/*
 * Commit statuses live in git notes: `refs/notes/butler-status` is a commit chain whose tree maps
 * a commit id to a JSON blob with that commit's checks, exactly the layout `git notes` uses, so
 * `git notes --ref=butler-status show <sha>` prints them. Written flat (one entry per commit);
 * read both flat and with git's two-level fan-out (`ab/cdef...`), which `git notes` may produce.
 */
import { InputError } from '@backstage/errors';
import { CheckState, CommitCheck } from '@butler-portal/plugin-gitops-node';
import { ObjectStore, Signature } from './objectStore';

export const COMMIT_STATUS_NOTES_REF = 'refs/notes/butler-status';

const CHECK_STATES: CheckState[] = ['pending', 'success', 'failure', 'error'];

export interface StatusNote {
  checks: Array<CommitCheck & { updatedAt: string }>;
}

/** where the note of `sha` is in a notes tree: flat, or under git's two-level fan-out */
async function findNoteBlob(
  store: ObjectStore,
  notesCommit: string,
  sha: string,
): Promise<string | undefined> {
  const root = await store.readTree(notesCommit);
  let blob = root.find(e => e.path === sha && e.type === 'blob')?.oid;
  if (!blob) {
    const fan = root.find(e => e.path === sha.slice(0, 2) && e.type === 'tree');
    if (fan) {
      blob = (await store.readTree(fan.oid)).find(
        e => e.path === sha.slice(2),
      )?.oid;
    }
  }
  return blob;
}

/**
 * Every note of a notes commit, commit id → note blob id: one tree walk for a listing that
 * looks up many commits (instead of one tree search each).
 */
export async function readStatusNoteIndex(
  store: ObjectStore,
  notesCommit: string | undefined,
): Promise<Map<string, string>> {
  const index = new Map<string, string>();
  if (!notesCommit) return index;
  for (const entry of await store.readTree(notesCommit)) {
    if (entry.type === 'blob') {
      index.set(entry.path, entry.oid);
    } else if (entry.type === 'tree' && entry.path.length === 2) {
      for (const inner of await store.readTree(entry.oid)) {
        const sha = entry.path + inner.path;
        // a flat note wins over a fanned-out one, as findNoteBlob reads them
        if (inner.type === 'blob' && !index.has(sha)) index.set(sha, inner.oid);
      }
    }
  }
  return index;
}

/** the note in one blob; a note written by hand that is not ours counts as no checks */
export async function readStatusNoteBlob(
  store: ObjectStore,
  blob: string,
): Promise<StatusNote> {
  try {
    const note = JSON.parse(
      (await store.readBlob(blob)).toString('utf8'),
    ) as StatusNote;
    return { checks: Array.isArray(note.checks) ? note.checks : [] };
  } catch {
    // a note written by hand that is not ours: no checks rather than a failing change view
    return { checks: [] };
  }
}

async function readStatusNote(
  store: ObjectStore,
  notesCommit: string | undefined,
  sha: string,
): Promise<StatusNote> {
  if (!notesCommit) return { checks: [] };
  const blob = await findNoteBlob(store, notesCommit, sha);
  return blob ? readStatusNoteBlob(store, blob) : { checks: [] };
}

/** the checks of a note, as the GitProvider interface reports them */
export function checksOfNote(note: StatusNote): CommitCheck[] {
  return note.checks.map(({ context, state, description, targetUrl }) => ({
    context,
    state,
    ...(description !== undefined && { description }),
    ...(targetUrl !== undefined && { targetUrl }),
  }));
}

/** checks recorded for `sha` in the notes commit (none when there is no note) */
export async function readCommitChecks(
  store: ObjectStore,
  notesCommit: string | undefined,
  sha: string,
): Promise<CommitCheck[]> {
  return checksOfNote(await readStatusNote(store, notesCommit, sha));
}

export function validateCheck(check: CommitCheck): CommitCheck {
  if (
    typeof check?.context !== 'string' ||
    !check.context.trim() ||
    check.context.length > 255
  ) {
    throw new InputError(
      'check.context: a name of 1 to 255 characters is required',
    );
  }
  if (!CHECK_STATES.includes(check.state)) {
    throw new InputError(
      `check.state: must be one of ${CHECK_STATES.join(', ')}`,
    );
  }
  for (const field of ['description', 'targetUrl'] as const) {
    const value = check[field];
    if (
      value !== undefined &&
      (typeof value !== 'string' || value.length > 4096)
    ) {
      throw new InputError(
        `check.${field}: must be a string of at most 4096 characters`,
      );
    }
  }
  return check;
}

/** Writes a new notes commit with `check` set on `sha` (replacing the same context). */
export async function writeCommitCheck(
  store: ObjectStore,
  input: {
    notesCommit?: string;
    sha: string;
    check: CommitCheck;
    author: Signature;
  },
): Promise<string> {
  const { sha, check, notesCommit } = input;
  const now = new Date();
  const existing = await readStatusNote(store, notesCommit, sha);
  const note: StatusNote = {
    checks: [
      ...existing.checks.filter(c => c.context !== check.context),
      { ...check, updatedAt: now.toISOString() },
    ].sort((a, b) => a.context.localeCompare(b.context)),
  };
  const blob = await store.writeBlob(`${JSON.stringify(note, null, 2)}\n`);
  const root = notesCommit ? await store.readTree(notesCommit) : [];
  // a fanned-out note for this commit would shadow the flat one: drop it from its fan-out tree
  const fanName = sha.slice(0, 2);
  const entries = [];
  for (const entry of root) {
    if (entry.path === sha) continue;
    if (entry.path === fanName && entry.type === 'tree') {
      const rest = (await store.readTree(entry.oid)).filter(
        e => e.path !== sha.slice(2),
      );
      if (rest.length > 0)
        entries.push({ ...entry, oid: await store.writeTree(rest) });
      continue;
    }
    entries.push(entry);
  }
  entries.push({ mode: '100644', path: sha, oid: blob, type: 'blob' as const });
  const tree = await store.writeTree(entries);
  return store.writeCommit({
    tree,
    parents: notesCommit ? [notesCommit] : [],
    message: `Status ${check.context}=${check.state} on ${sha}`,
    author: input.author,
    date: now,
  });
}
