import { createHash } from 'crypto';
import {
  duplicateVersionIssues,
  keeperSourceIssues,
  type KeeperSources,
  type KeeperSourceTree,
} from './keeperRules';

const C1 = 'a'.repeat(40);
const MISSING = 'b'.repeat(40);

/** a repository of one commit, in memory: path → content */
function treeOf(files: Record<string, string>): KeeperSourceTree {
  return {
    hasCommit: async commit => commit === C1,
    listFiles: async (_commit, prefix) =>
      Object.keys(files).filter(p => p.startsWith(prefix)),
    readFile: async (_commit, path) => files[path],
  };
}

const modules = treeOf({
  'terraform/vpc/main.tf': 'resource "x" "y" {}\n',
  'terraform/vpc/nested/inner.tf': '',
  'terraform/docs/README.md': '# only docs\n',
  'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.2.0\n',
  'policies/base/keeper/policy.rego': 'package keeper\n',
});

const sources: KeeperSources = {
  repository: git => (git.repository === 'modules' ? modules : undefined),
};

function versionFile(
  source: string,
  version = '1.0.0',
  artifact = 'thing',
): string {
  return `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: ${artifact}-${version}
  namespace: team-a
spec:
  artifact: ${artifact}
  version: ${version}
  source:
${source}`;
}

const git = (fields: Record<string, string>) =>
  `    git:\n${Object.entries({ repository: 'modules', url: 'https://h/modules.git', ref: 'main', ...fields })
    .map(([k, v]) => `      ${k}: ${v}\n`)
    .join('')}`;

const check = (
  text: string,
  artifactType?: 'terraform-module' | 'helm-chart' | 'opa-bundle',
  withSources = sources,
) => keeperSourceIssues({ file: 'artifact-versions/team-a/x.yaml', text, artifactType }, withSources);

describe('keeperSourceIssues', () => {
  it('accepts a pinned commit holding what the artifact type says', async () => {
    expect(await check(versionFile(git({ commit: C1, subdirectory: 'terraform/vpc' })), 'terraform-module')).toEqual([]);
    expect(await check(versionFile(git({ commit: C1, subdirectory: 'charts/web' }), '0.2.0'), 'helm-chart')).toEqual([]);
    expect(await check(versionFile(git({ commit: C1, subdirectory: 'policies/base' })), 'opa-bundle')).toEqual([]);
  });

  it('names the file, field and reason of each broken pin', async () => {
    const [missing] = await check(versionFile(git({ commit: MISSING, subdirectory: 'terraform/vpc' })), 'terraform-module');
    expect(missing).toMatchObject({
      file: 'artifact-versions/team-a/x.yaml',
      path: '/spec/source/git/commit',
      line: 14,
      message: `commit ${MISSING} does not exist in modules`,
    });
    const [noModule] = await check(versionFile(git({ commit: C1, subdirectory: 'terraform/docs' })), 'terraform-module');
    expect(noModule).toMatchObject({ path: '/spec/source/git/subdirectory', message: expect.stringMatching(/no \*\.tf file at the top of "terraform\/docs"/) });
    const [chart] = await check(versionFile(git({ commit: C1, subdirectory: 'charts/web' }), '0.3.0'), 'helm-chart');
    expect(chart).toMatchObject({ path: '/spec/version', message: expect.stringMatching(/has version "0\.2\.0", not 0\.3\.0/) });
    const [noRego] = await check(versionFile(git({ commit: C1, subdirectory: 'terraform/vpc' })), 'opa-bundle');
    expect(noRego.message).toMatch(/no \.rego file/);
    const [empty] = await check(versionFile(git({ commit: C1, subdirectory: 'nothing/here' })), 'opa-bundle');
    expect(empty.message).toMatch(/has no files under "nothing\/here"/);
    const [unpinned] = await check(versionFile(git({})), 'terraform-module');
    expect(unpinned).toMatchObject({ path: '/spec/source/git/commit', message: expect.stringMatching(/pins no commit/) });
  });

  it('checks nothing it cannot reach, and says when a reachable source fails', async () => {
    const outside = versionFile(git({ repository: 'elsewhere', commit: MISSING }));
    expect(await check(outside, 'terraform-module')).toEqual([]);
    const failing: KeeperSources = {
      repository: () => ({ ...modules, hasCommit: async () => { throw new Error('GitHub answered 502'); } }),
    };
    const [issue] = await check(versionFile(git({ commit: C1 })), 'terraform-module', failing);
    expect(issue.message).toMatch(/could not be read to check it: GitHub answered 502/);
  });

  it('checks a chart archive against its pinned digest when archives can be fetched', async () => {
    const bytes = Buffer.from('chart bytes');
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    const chart = (d: string) => `    chart:\n      url: https://charts.example.com/web-0.2.0.tgz\n      digest: ${d}\n`;
    const fetching: KeeperSources = { ...sources, fetchArchive: async () => bytes };
    expect(await check(versionFile(chart(digest)), 'helm-chart', fetching)).toEqual([]);
    const [wrong] = await check(versionFile(chart(`sha256:${'0'.repeat(64)}`)), 'helm-chart', fetching);
    expect(wrong).toMatchObject({ path: '/spec/source/chart/digest', message: expect.stringContaining(`has digest ${digest}, not the pinned`) });
    // without a fetcher (e.g. the CLI without --fetch-archives) the digest is not checked
    expect(await check(versionFile(chart(`sha256:${'0'.repeat(64)}`)), 'helm-chart')).toEqual([]);
    const down: KeeperSources = { ...sources, fetchArchive: async () => { throw new Error('connection refused'); } };
    const [fetchIssue] = await check(versionFile(chart(digest)), 'helm-chart', down);
    expect(fetchIssue).toMatchObject({ path: '/spec/source/chart/url', message: expect.stringMatching(/could not be fetched.*connection refused/) });
  });
});

describe('duplicateVersionIssues', () => {
  it('reports a version published twice, naming the first file', () => {
    const text = versionFile(git({ commit: C1 }), '1.0.0', 'vpc');
    const issues = duplicateVersionIssues([
      { file: 'a.yaml', text },
      { file: 'b.yaml', text: versionFile(git({ commit: C1 }), '1.0.1', 'vpc') },
      { file: 'docs/copy.yaml', text },
    ]);
    expect(issues).toEqual([
      expect.objectContaining({
        file: 'docs/copy.yaml',
        path: '/spec/version',
        message: 'version 1.0.0 of team-a/vpc is already published by a.yaml; a version is published once',
      }),
    ]);
  });
});
