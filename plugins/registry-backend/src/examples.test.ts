/*
 * The embedded default's examples: every ArtifactVersion in repo-layouts/platform is a valid
 * record whose git source pins the digest of exactly what repo-layouts/modules holds, so a fresh
 * `npm start` serves all three examples. Editing an example's files means updating its digest
 * (this test names the new one), just as a real published version could never change silently.
 */
import fs from 'fs';
import path from 'path';
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
