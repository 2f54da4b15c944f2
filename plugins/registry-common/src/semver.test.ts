import {
  compareVersionsDescending,
  isCanonicalVersion,
  rangeProblem,
  resolveRange,
  versionProblem,
} from './semver';

describe('versionProblem', () => {
  it.each(['0.0.0', '1.4.0', '2.0.0-rc.1', '1.0.0-alpha-beta.0.x7'])(
    'accepts %s',
    v => {
      expect(versionProblem(v)).toBeUndefined();
      expect(isCanonicalVersion(v)).toBe(true);
    },
  );

  it.each([
    [
      'v1.4.0',
      'starts with "v": Keeper versions are canonical SemVer, e.g. "1.4.0"',
    ],
    ['1.0.0+build.5', 'has build metadata'],
    ['1.4', 'is not canonical SemVer'],
    ['01.4.0', 'is not canonical SemVer'],
    ['1.0.0-RC.1', 'is not canonical SemVer'],
    ['../1.0.0', 'is not canonical SemVer'],
    ['', 'must be a non-empty string'],
    ['1'.repeat(62), 'longer than 61 characters'],
  ])('refuses %j: %s', (value, reason) => {
    expect(versionProblem(value)).toContain(reason);
    expect(isCanonicalVersion(value)).toBe(false);
  });

  it('refuses what is not a string', () => {
    expect(versionProblem(1)).toBe('a version must be a non-empty string');
  });
});

describe('ranges', () => {
  const versions = ['1.4.0', '1.5.0', '1.5.1-rc.1', '2.0.0'];

  it('resolves a range to the highest satisfying version', () => {
    expect(resolveRange('~1.5', versions)).toBe('1.5.0');
    expect(resolveRange('^1.0.0', versions)).toBe('1.5.0');
    expect(resolveRange('>=1.0.0 <2.0.0', versions)).toBe('1.5.0');
    expect(resolveRange('^3', versions)).toBeUndefined();
  });

  it('refuses a malformed range with a sentence', () => {
    expect(rangeProblem('^^1..x')).toBe(
      'version range "^^1..x" is not a valid range (e.g. "^1.2.0", ">=1.2.0 <2.0.0", "~1.4")',
    );
    expect(rangeProblem('')).toBe('a version range must be a non-empty string');
    expect(() => resolveRange('not a range', versions)).toThrow(
      /is not a valid range/,
    );
  });

  it('orders newest first by precedence, pre-releases below their release', () => {
    expect(
      ['1.5.1-rc.1', '1.10.0', '1.5.1', '1.9.0'].sort(
        compareVersionsDescending,
      ),
    ).toEqual(['1.10.0', '1.9.0', '1.5.1', '1.5.1-rc.1']);
  });
});
