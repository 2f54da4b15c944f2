import { versionFormProblems, versionRecord } from './publish';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const FORM = {
  version: '1.2.3',
  repository: '',
  url: 'https://git.example.com/m.git',
  subdirectory: 'vpc/',
  ref: 'v1.2.3',
  commit: SHA,
  changelog: '',
};

describe('versionFormProblems', () => {
  it('accepts a complete form', () => {
    expect(versionFormProblems(FORM, ['1.2.2'])).toEqual({});
  });

  it.each([
    ['a non-canonical version', { version: '01.2.3' }, 'version'],
    ['an existing version', { version: '1.2.2' }, 'version'],
    ['a ref not resolved yet', { commit: '' }, 'commit'],
    ['a branch as the pinned commit', { commit: 'main' }, 'commit'],
    ['a short SHA as the pinned commit', { commit: SHA.slice(0, 7) }, 'commit'],
    ['no ref', { ref: '' }, 'ref'],
    ['a ref climbing out', { ref: '../x' }, 'ref'],
    ['a full ref name', { ref: 'refs/heads/main' }, 'ref'],
    ['an option-like ref', { ref: '--upload-pack=x' }, 'ref'],
    ['a ref with a space', { ref: 'my tag' }, 'ref'],
    [
      'a subdirectory leaving the repository',
      { subdirectory: '../x' },
      'subdirectory',
    ],
    ['an absolute subdirectory', { subdirectory: '/etc' }, 'subdirectory'],
    ['a URL with a shell character', { url: 'https://x/$(rm)' }, 'url'],
  ])('refuses %s', (_what, patch, field) => {
    expect(
      Object.keys(versionFormProblems({ ...FORM, ...patch }, ['1.2.2'])),
    ).toEqual([field]);
  });
});

describe('versionRecord', () => {
  it('accepts a branch, a tag and a full SHA as the ref', () => {
    for (const ref of ['main', 'release/1.x', 'v1.2.3', SHA]) {
      expect(versionFormProblems({ ...FORM, ref }, [])).toEqual({});
    }
  });

  it('pins the commit and names the file after the artifact and version', () => {
    expect(
      versionRecord({ namespace: 'team-a', name: 'web-app' }, FORM),
    ).toEqual({
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'ArtifactVersion',
      metadata: { name: 'web-app-1.2.3', namespace: 'team-a' },
      spec: {
        artifact: 'web-app',
        version: '1.2.3',
        source: {
          git: {
            url: 'https://git.example.com/m.git',
            ref: 'v1.2.3',
            commit: SHA,
            subdirectory: 'vpc',
          },
        },
      },
    });
  });
});
