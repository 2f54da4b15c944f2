/*
 * The embedded default's examples: every ArtifactVersion in repo-layouts/platform is a valid
 * record whose git source pins the seeded commit of `modules` and the digest of exactly what
 * repo-layouts/modules holds, so a fresh `npm start` serves all three examples. Editing an
 * example's files means updating its commit and digest (this test names the new ones), just as a
 * real published version could never change silently.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import YAML from 'yaml';
import {
  ensureLocalRepository,
  PORTAL_SIGNATURE,
} from '@butler-portal/plugin-gitops-backend-module-local';
import { validate } from '@butler-portal/plugin-gitops-common';
import { deterministicTarGz, sha256Digest } from './archive/deterministicTarGz';

const LAYOUTS = path.resolve(__dirname, '../../../repo-layouts');

function filesUnder(
  dir: string,
  prefix = '',
): { path: string; content: Buffer }[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory()
      ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`)
      : [
          {
            path: `${prefix}${e.name}`,
            content: fs.readFileSync(path.join(dir, e.name)),
          },
        ],
  );
}

const versionsDir = path.join(
  LAYOUTS,
  'platform',
  'artifact-versions',
  'team-a',
);
const examples = fs.readdirSync(versionsDir).map(f => {
  const file = `artifact-versions/team-a/${f}`;
  const result = validate(
    fs.readFileSync(path.join(versionsDir, f), 'utf8'),
    file,
  );
  return { file, result };
});

describe('embedded examples', () => {
  it('has a terraform module, a helm chart and an OPA policy', () => {
    const artifacts = fs
      .readdirSync(path.join(LAYOUTS, 'platform', 'artifacts', 'team-a'))
      .map(f =>
        validate(
          fs.readFileSync(
            path.join(LAYOUTS, 'platform', 'artifacts', 'team-a', f),
            'utf8',
          ),
        ),
      );
    expect(
      artifacts
        .map(a => (a.ok ? (a.resource as any).spec.type : a.issues))
        .sort(),
    ).toEqual(['helm-chart', 'opa-bundle', 'terraform-module']);
  });

  it.each(examples.map(e => [e.file, e.result] as const))(
    '%s pins the digest of its folder in repo-layouts/modules',
    async (_file, result) => {
      expect(result.issues).toEqual([]);
      const git = (result as any).resource.spec.source.git;
      expect(git.repository).toBe('modules');
      const archive = await deterministicTarGz(
        filesUnder(path.join(LAYOUTS, 'modules', git.subdirectory)),
      );
      expect(git.digest).toBe(sha256Digest(archive));
    },
  );
});

jest.setTimeout(60_000);

describe('the seeded modules repository', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'keeper-seed-'));
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** seeds `modules` as the local provider does on first start; answers its main commit */
  async function seed(name: string) {
    const dir = path.join(root, `${name}.git`);
    await ensureLocalRepository({
      dir,
      templateDir: path.join(LAYOUTS, 'modules'),
      initialAuthor: PORTAL_SIGNATURE,
    });
    const git = (...args: string[]) =>
      execFileSync('git', ['--git-dir', dir, ...args], {
        env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' },
      }).toString();
    return { git, commit: git('rev-parse', 'main').trim() };
  }

  it('has the same first commit on every installation, the one the examples pin, holding each artifact', async () => {
    const first = await seed('one');
    // a later installation: another second, another folder
    await new Promise(r => setTimeout(r, 1100));
    const second = await seed('two');
    expect(second.commit).toBe(first.commit);

    for (const { file, result } of examples) {
      const record = (result as any).resource;
      const git = record.spec.source.git;
      expect([file, git.commit]).toEqual([file, first.commit]);
      const files = first
        .git(
          'ls-tree',
          '-r',
          '--name-only',
          git.commit,
          '--',
          `${git.subdirectory}/`,
        )
        .split('\n')
        .filter(Boolean);
      const artifact = validate(
        fs.readFileSync(
          path.join(
            LAYOUTS,
            'platform',
            'artifacts',
            'team-a',
            `${record.spec.artifact}.yaml`,
          ),
          'utf8',
        ),
      );
      const type: string = (artifact as any).resource.spec.type;
      /** what the pinned folder must hold for the artifact's type */
      const holdsItsContent = () => {
        switch (type) {
          case 'terraform-module':
            return files.some(f => f.endsWith('.tf'));
          case 'helm-chart':
            return (
              YAML.parse(
                first.git(
                  'show',
                  `${git.commit}:${git.subdirectory}/Chart.yaml`,
                ),
              ).version === record.spec.version
            );
          default:
            return files.some(f => f.endsWith('.rego'));
        }
      };
      expect({ file, type, holds: holdsItsContent() }).toEqual({
        file,
        type,
        holds: true,
      });
    }
  });
});
