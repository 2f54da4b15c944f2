import { Octokit } from '@octokit/rest';
import {
  diffTrees,
  findSubtree,
  GithubRepoRef,
  listBlobs,
} from './githubTrees';
import { FakeGithubServer } from '@butler-portal/fake-github';

describe('githubTrees', () => {
  let server: FakeGithubServer;
  let ref: GithubRepoRef;

  beforeEach(async () => {
    server = await FakeGithubServer.start();
    server.addUser({ login: 'bot', token: 't' });
    ref = {
      octokit: new Octokit({ auth: 't', baseUrl: server.baseUrl }),
      owner: server.owner,
      repo: server.repo,
    };
  });

  afterEach(() => server.stop());

  const treeOf = (commit: string) => server.git.commits.get(commit)!.tree;

  it('diffs only what changed, including a folder replaced by a file and back', async () => {
    const from = server.seed({
      'keep/a.yaml': 'a',
      'swap/inner.yaml': 'x',
      'file-to-dir': 'y',
      'edit.yaml': '1',
    });
    const to = server.git.commitFiles('main', {
      'swap/inner.yaml': null,
      swap: 'now a file',
      'file-to-dir': null,
      'file-to-dir/child.yaml': 'z',
      'edit.yaml': '2',
      'new/deep/n.yaml': 'n',
    });
    const changes = await diffTrees(ref, treeOf(from), treeOf(to));
    expect(changes.sort((a, b) => (a.path < b.path ? -1 : 1))).toEqual([
      { path: 'edit.yaml', status: 'modified' },
      { path: 'file-to-dir', status: 'deleted' },
      { path: 'file-to-dir/child.yaml', status: 'added' },
      { path: 'new/deep/n.yaml', status: 'added' },
      { path: 'swap', status: 'added' },
      { path: 'swap/inner.yaml', status: 'deleted' },
    ]);
    // the unchanged folder was never read
    const keep = server.git.trees
      .get(treeOf(to))!
      .find(i => i.name === 'keep')!.sha;
    expect(server.requests.some(r => r.path.endsWith(keep))).toBe(false);
  });

  it('finds folders and lists the blobs under them', async () => {
    const commit = server.seed({
      'a/b/c.yaml': 'c',
      'a/d.yaml': 'd',
      'e.yaml': 'e',
    });
    const sub = await findSubtree(ref, commit, 'a/b');
    expect(sub).toBeDefined();
    expect(await listBlobs(ref, sub!, 'a/b')).toEqual([
      { path: 'a/b/c.yaml', sha: server.git.putBlob('c') },
    ]);
    expect(await findSubtree(ref, commit, 'a/missing')).toBeUndefined();
    expect(await findSubtree(ref, commit, 'e.yaml')).toBeUndefined();
  });
});
