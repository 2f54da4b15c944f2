import { createLocalRepository } from './__testUtils__/localRepository';
import {
  checksOfNote,
  readCommitChecks,
  readStatusNoteBlob,
  readStatusNoteIndex,
} from './commitStatusNotes';
import { ObjectStore } from './objectStore';
import { removeTempDirs } from './testing/gitCli';

afterEach(removeTempDirs);

const note = (context: string) =>
  `${JSON.stringify({
    checks: [{ context, state: 'success', updatedAt: '2026-01-01T00:00:00Z' }],
  })}\n`;

describe('status notes index', () => {
  it('finds flat and fanned-out notes as the one-commit lookup does, the flat one first', async () => {
    const { dir } = await createLocalRepository({ 'README.md': 'x\n' });
    const store = new ObjectStore(dir);
    const flat = 'a'.repeat(40);
    const fanned = `bc${'d'.repeat(38)}`;
    const both = `ef${'0'.repeat(38)}`;
    const fan = async (entries: Array<[string, string]>) =>
      store.writeTree(
        entries.map(([path, oid]) => ({ mode: '100644', path, oid, type: 'blob' })),
      );
    const bc = await fan([[fanned.slice(2), await store.writeBlob(note('fanned'))]]);
    const ef = await fan([[both.slice(2), await store.writeBlob(note('ef-fanned'))]]);
    const root = await store.writeTree([
      { mode: '100644', path: flat, oid: await store.writeBlob(note('flat')), type: 'blob' },
      { mode: '040000', path: 'bc', oid: bc, type: 'tree' },
      { mode: '040000', path: 'ef', oid: ef, type: 'tree' },
      { mode: '100644', path: both, oid: await store.writeBlob(note('ef-flat')), type: 'blob' },
    ]);
    const notesCommit = await store.writeCommit({
      tree: root,
      parents: [],
      message: 'notes',
      author: { name: 'Butler Portal', email: 'portal@example.com' },
    });

    const index = await readStatusNoteIndex(store, notesCommit);
    expect([...index.keys()].sort()).toEqual([flat, fanned, both].sort());
    for (const sha of [flat, fanned, both, 'f'.repeat(40)]) {
      const blob = index.get(sha);
      const fromIndex = blob
        ? checksOfNote(await readStatusNoteBlob(store, blob))
        : [];
      expect(fromIndex).toEqual(await readCommitChecks(store, notesCommit, sha));
    }
    expect((await readCommitChecks(store, notesCommit, both))[0].context).toBe('ef-flat');
    expect(await readStatusNoteIndex(store, undefined)).toEqual(new Map());
  });
});
