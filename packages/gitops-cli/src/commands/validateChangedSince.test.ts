/*
 * `validate --changed-since <rev>` on real git repositories: only what the branch changes
 * (commits, uncommitted edits, new files) and what refers to it is checked. A file that was
 * already broken on the base and is unrelated to the change is left alone, which is how these
 * tests see what was selected.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { tempCheckout } from '../testing/cliHarness';

const workspace = (name: string, template: string, image = 'golang:1.23') =>
  `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
  annotations:
    portal.butlerlabs.dev/template: ${template}
spec:
  owner: ${name}@example.com
  clusterRef:
    name: team-a-dev
  image: ${image}
`;

const template = (name: string, cpu = "'2'") =>
  `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: WorkspaceTemplate
metadata:
  name: ${name}
  namespace: team-a
spec:
  displayName: ${name}
  scope: team
  template:
    image: golang:1.23
    resources:
      cpu: ${cpu}
`;

/** a Workspace that is invalid (image is a number) but otherwise refers like any other */
const broken = (name: string, tpl: string) => workspace(name, tpl, '42');

describe('butler-gitops validate --changed-since', () => {
  let checkout: ReturnType<typeof tempCheckout>;

  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: checkout.dir,
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: os.devNull,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.com',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.com',
      },
    });

  beforeEach(() => {
    checkout = tempCheckout('changed');
    checkout.write('workspace-templates/team-a/go.yaml', template('go'));
    checkout.write('workspace-templates/team-a/py.yaml', template('py'));
    checkout.write('workspaces/team-a/alice.yaml', workspace('alice', 'go'));
    // broken on the base already: reported only when the change concerns them
    checkout.write('workspaces/team-a/bob.yaml', broken('bob', 'go'));
    checkout.write('workspaces/team-a/carol.yaml', broken('carol', 'py'));
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    git('checkout', '-q', '-b', 'change');
  });

  afterEach(() => {
    checkout.remove();
  });

  it('checks nothing when nothing changed', async () => {
    expect(await checkout.run('validate', '--changed-since', 'main')).toEqual({
      code: 0,
      stdout:
        '0 files checked, 0 invalid (changed since main: 0 changed, 0 referring to them)\n',
      stderr: '',
    });
  });

  it('checks a changed template and the Workspaces made from it, not the others', async () => {
    checkout.write('workspace-templates/team-a/go.yaml', template('go', "'4'"));
    git('commit', '-q', '-am', 'more cpu');
    const result = await checkout.run('validate', '--changed-since', 'main');
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(
        /^workspaces\/team-a\/bob\.yaml:\d+:\d+: spec\.image/,
      ),
      '3 files checked, 1 invalid (changed since main: 1 changed, 2 referring to them)',
    ]);
  });

  it('counts uncommitted edits and untracked files, and reports what they break', async () => {
    checkout.write('workspaces/team-a/alice.yaml', broken('alice', 'go'));
    checkout.write('workspaces/team-a/dave.yaml', workspace('dave', 'nope'));
    const result = await checkout.run('validate', '--changed-since', 'main');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('workspaces/team-a/alice.yaml:');
    expect(result.stdout).not.toContain('bob.yaml');
    expect(result.stdout).toContain(
      '2 files checked, 1 invalid (changed since main: 2 changed, 0 referring to them)',
    );
  });

  it('checks the Workspaces of a deleted template', async () => {
    git('rm', '-q', 'workspace-templates/team-a/py.yaml');
    git('commit', '-q', '-m', 'no more py');
    const result = await checkout.run('validate', '--changed-since', 'main');
    expect(result.stdout).toContain('workspaces/team-a/carol.yaml:');
    expect(result.stdout).toContain(
      '1 file checked, 1 invalid (changed since main: 0 changed, 1 referring to them)',
    );
  });

  it('reports a duplicate the change introduces with an unchanged file', async () => {
    checkout.write('docs/alice-example.yaml', workspace('alice', 'go'));
    const result = await checkout.run(
      'validate',
      '--changed-since',
      'main',
      '--format',
      'json',
    );
    const body = JSON.parse(result.stdout);
    expect(body.issues).toEqual([
      expect.objectContaining({
        file: 'docs/alice-example.yaml',
        message: expect.stringContaining(
          'duplicate resource: Workspace team-a/alice is also declared in workspaces/team-a/alice.yaml',
        ),
      }),
    ]);
    expect(body.summary).toEqual({
      filesChecked: 2,
      invalidFiles: 1,
      changedSince: {
        rev: 'main',
        base: git('rev-parse', 'main').trim(),
        changed: 1,
        referring: 1,
      },
    });
  });

  it('counts from the merge base, so commits on the base branch since do not count', async () => {
    checkout.write('workspaces/team-a/erin.yaml', workspace('erin', 'py'));
    git('add', '-A');
    git('commit', '-q', '-m', 'erin');
    git('checkout', '-q', 'main');
    checkout.write('workspaces/team-a/frank.yaml', broken('frank', 'go'));
    git('add', '-A');
    git('commit', '-q', '-m', 'frank on main');
    git('checkout', '-q', 'change');
    expect(
      (await checkout.run('validate', '--changed-since', 'main')).stdout,
    ).toBe(
      '1 file checked, 0 invalid (changed since main: 1 changed, 0 referring to them)\n',
    );
  });

  it('exits 2 for an unknown revision, an option-like one, or no repository', async () => {
    const unknown = await checkout.run('validate', '--changed-since', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      '--changed-since: unknown revision "nope"',
    );
    const optionLike = await checkout.run(
      'validate',
      '--changed-since=--output=x',
    );
    expect(optionLike.code).toBe(2);
    expect(optionLike.stderr).toContain('not a revision: "--output=x"');
    const outside = tempCheckout('not-a-repo');
    try {
      const noRepo = await outside.run('validate', '--changed-since', 'main');
      expect(noRepo.code).toBe(2);
      expect(noRepo.stderr).toContain('--changed-since needs a git repository');
    } finally {
      outside.remove();
    }
  });
});
