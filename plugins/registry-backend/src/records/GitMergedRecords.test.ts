/*
 * The merged records are read once per head commit: while no event arrives, a request costs no
 * Git call at all; after a merge, unchanged files are not parsed again.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { GitRepo } from '../__testUtils__/gitRepo';
import { GitMergedRecords } from './GitMergedRecords';

const artifact = (name: string) => `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: Artifact
metadata:
  name: ${name}
  namespace: team-a
spec:
  type: terraform-module
  owner: group:default/team-a
`;

describe('GitMergedRecords', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'records-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads each commit once and each blob once, and looks heads up again only when told', async () => {
    const repo = GitRepo.create('platform', path.join(root, 'p'));
    repo.commit({
      'artifacts/team-a/a.yaml': artifact('a'),
      'artifacts/team-a/broken.yaml': 'kind: Artifact\n',
      'artifacts/team-a/README.md': 'not a record',
    });
    const provider = repo.provider();
    const calls = { head: 0, readFile: 0, listTree: 0 };
    const counted = {
      ...provider,
      head: (b?: string) => {
        calls.head++;
        return provider.head(b);
      },
      readFile: (p: string, r?: string) => {
        calls.readFile++;
        return provider.readFile(p, r);
      },
      listTree: (r?: string, p?: string) => {
        calls.listTree++;
        return provider.listTree(r, p);
      },
    };
    const records = new GitMergedRecords({
      repositories: () => [
        {
          id: 'platform',
          provider: counted,
          kinds: ['Artifact', 'ArtifactVersion'],
        },
        { id: 'modules', provider: counted, kinds: [] },
      ],
      headRefreshMs: 3_600_000,
    });

    const first = await records.current();
    expect(first.artifacts.map(a => a.record.metadata.name)).toEqual(['a']);
    expect(first.problems).toEqual([
      expect.objectContaining({
        file: 'artifacts/team-a/broken.yaml',
        message: expect.stringContaining('apiVersion'),
      }),
    ]);
    expect(calls).toEqual({ head: 1, readFile: 2, listTree: 2 });

    for (let i = 0; i < 100; i++) expect(await records.current()).toBe(first);
    expect(calls).toEqual({ head: 1, readFile: 2, listTree: 2 });

    repo.commit({ 'artifacts/team-a/b.yaml': artifact('b') });
    expect(await records.current()).toBe(first); // no event yet
    records.invalidate();
    const second = await records.current();
    expect(second.revision).toBe(`platform@${repo.headOf()}`);
    expect(second.artifacts.map(a => a.record.metadata.name)).toEqual([
      'a',
      'b',
    ]);
    // only the new blob was read
    expect(calls).toEqual({ head: 2, readFile: 3, listTree: 4 });
  });

  it('looks the heads up again after the refresh time, as a fallback for lost events', async () => {
    const repo = GitRepo.create('platform', path.join(root, 'p'));
    let now = 0;
    const records = new GitMergedRecords({
      repositories: () => [
        { id: 'platform', provider: repo.provider(), kinds: ['Artifact'] },
      ],
      headRefreshMs: 30_000,
      now: () => now,
    });
    const first = await records.current();
    repo.commit({ 'artifacts/team-a/a.yaml': artifact('a') });
    now = 10_000;
    expect((await records.current()).revision).toBe(first.revision);
    now = 31_000;
    expect((await records.current()).artifacts).toHaveLength(1);
  });
});
