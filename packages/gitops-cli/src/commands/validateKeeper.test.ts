/*
 * `butler-gitops validate` and Keeper: versions are canonical SemVer, named `<artifact>-<version>`
 * and published once, always; with `--source <repository>=<clone>` each pinned commit is checked
 * in that clone (exists, holds the module / the chart of the record's version / .rego files).
 * The platform layout's examples pass against a clone seeded like the portal's `modules`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_LAYOUTS, runInDir, tempCheckout } from '../testing/cliHarness';

jest.setTimeout(60_000);

const SEED_DATE = '1767225600 +0000'; // the local provider's SEED_COMMIT_DATE

/** a clone of repo-layouts/modules whose first commit is the portal's seeded one */
function seededModules(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'butler-gitops-modules-'));
  fs.cpSync(path.join(REPO_LAYOUTS, 'modules'), dir, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    HOME: os.tmpdir(),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Butler Portal',
    GIT_AUTHOR_EMAIL: 'butler-portal@localhost',
    GIT_COMMITTER_NAME: 'Butler Portal',
    GIT_COMMITTER_EMAIL: 'butler-portal@localhost',
    GIT_AUTHOR_DATE: SEED_DATE,
    GIT_COMMITTER_DATE: SEED_DATE,
  };
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-q', '-m', 'Initial commit from repository layout modules'],
  ]) {
    execFileSync('git', args, { cwd: dir, env });
  }
  return dir;
}

function versionFile(name: string, version: string, git: string) {
  return `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: ${name}-${version}
  namespace: team-a
spec:
  artifact: ${name}
  version: ${version}
  source:
    git:
      repository: modules
      url: http://localhost:7007/api/gitops/git/modules.git
      ref: main
${git}`;
}

describe('butler-gitops validate: Keeper', () => {
  let checkout: ReturnType<typeof tempCheckout>;
  let modules: string;
  let seed: string;

  beforeAll(() => {
    modules = seededModules();
    seed = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: modules }).toString().trim();
  });
  afterAll(() => fs.rmSync(modules, { recursive: true, force: true }));

  beforeEach(() => {
    checkout = tempCheckout('keeper');
    for (const folder of ['artifacts', 'artifact-versions']) {
      fs.cpSync(path.join(REPO_LAYOUTS, 'platform', folder), path.join(checkout.dir, folder), {
        recursive: true,
      });
    }
  });
  afterEach(() => fs.rmSync(checkout.dir, { recursive: true, force: true }));

  it('passes the embedded examples against the seeded modules clone, and checks no source without one', async () => {
    const checked = await runInDir(checkout.dir, 'validate', '--source', `modules=${modules}`);
    expect(checked.stdout).not.toMatch(/error/i);
    expect(checked.code).toBe(0);
    // the examples pin exactly this commit (the seed is the same on every installation)
    expect(fs.readFileSync(path.join(checkout.dir, 'artifact-versions/team-a/web-app-0.1.0.yaml'), 'utf8')).toContain(
      `commit: ${seed}`,
    );
    checkout.write('artifact-versions/team-a/terraform-aws-vpc-1.9.0.yaml', versionFile('terraform-aws-vpc', '1.9.0', `      commit: ${'f'.repeat(40)}\n      subdirectory: terraform/aws-vpc\n`));
    expect((await runInDir(checkout.dir, 'validate')).code).toBe(0);
  });

  it('names file, field and reason of a missing commit, a folder without the module, a chart of another version', async () => {
    checkout.write(
      'artifact-versions/team-a/terraform-aws-vpc-1.9.0.yaml',
      versionFile('terraform-aws-vpc', '1.9.0', `      commit: ${'f'.repeat(40)}\n      subdirectory: terraform/aws-vpc\n`),
    );
    checkout.write(
      'artifact-versions/team-a/terraform-aws-vpc-1.8.0.yaml',
      versionFile('terraform-aws-vpc', '1.8.0', `      commit: ${seed}\n      subdirectory: charts/web-app\n`),
    );
    checkout.write(
      'artifact-versions/team-a/web-app-0.2.0.yaml',
      versionFile('web-app', '0.2.0', `      commit: ${seed}\n      subdirectory: charts/web-app\n`),
    );
    checkout.write(
      'artifact-versions/team-a/opa-baseline-1.1.0.yaml',
      versionFile('opa-baseline', '1.1.0', `      commit: ${seed}\n      subdirectory: terraform/aws-vpc\n`),
    );
    const run = await runInDir(checkout.dir, 'validate', '--format', 'json', '--source', `modules=${modules}`);
    expect(run.code).toBe(1);
    const issues = JSON.parse(run.stdout).issues.map((i: any) => [i.file, i.path, i.message]);
    expect(issues).toEqual(
      expect.arrayContaining([
        [
          'artifact-versions/team-a/terraform-aws-vpc-1.9.0.yaml',
          '/spec/source/git/commit',
          `commit ${'f'.repeat(40)} does not exist in modules`,
        ],
        [
          'artifact-versions/team-a/terraform-aws-vpc-1.8.0.yaml',
          '/spec/source/git/subdirectory',
          expect.stringMatching(/holds no Terraform module: no \*\.tf file at the top of "charts\/web-app"/),
        ],
        [
          'artifact-versions/team-a/web-app-0.2.0.yaml',
          '/spec/version',
          expect.stringMatching(/Chart\.yaml at modules@[0-9a-f]{40} has version "0\.1\.0", not 0\.2\.0/),
        ],
        [
          'artifact-versions/team-a/opa-baseline-1.1.0.yaml',
          '/spec/source/git/subdirectory',
          expect.stringMatching(/holds no OPA policy: no \.rego file/),
        ],
      ]),
    );
    expect(issues).toHaveLength(4);
  });

  it('refuses a "v" version, a wrong name and a version published twice, without any source', async () => {
    checkout.write(
      'artifact-versions/team-a/web-app-v0.3.0.yaml',
      versionFile('web-app', 'v0.3.0', `      commit: ${seed}\n`),
    );
    checkout.write(
      'docs/copy-of-web-app.yaml',
      fs.readFileSync(path.join(checkout.dir, 'artifact-versions/team-a/web-app-0.1.0.yaml'), 'utf8'),
    );
    const run = await runInDir(checkout.dir, 'validate', '--format', 'json');
    expect(run.code).toBe(1);
    const issues = JSON.parse(run.stdout).issues;
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: 'artifact-versions/team-a/web-app-v0.3.0.yaml', path: '/spec/version' }),
        expect.objectContaining({
          file: 'docs/copy-of-web-app.yaml',
          message: expect.stringMatching(/also declared in artifact-versions\/team-a\/web-app-0\.1\.0\.yaml|already published by/),
        }),
      ]),
    );
  });

  it('refuses a --source that is not <repository>=<clone>', async () => {
    expect((await runInDir(checkout.dir, 'validate', '--source', 'modules')).code).toBe(2);
    expect((await runInDir(checkout.dir, 'validate', '--source', `modules=${checkout.dir}/nowhere`)).code).toBe(2);
  });
});
