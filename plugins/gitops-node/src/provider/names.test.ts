import {
  isValidRefName,
  normalizePrefix,
  validateBranchName,
  validateRepoPath,
} from './names';

describe('validateRepoPath', () => {
  it('accepts plain relative file paths', () => {
    expect(validateRepoPath('workspaces/team-a/dev.yaml')).toBe(
      'workspaces/team-a/dev.yaml',
    );
    expect(validateRepoPath('.github/CODEOWNERS')).toBe('.github/CODEOWNERS');
    // what only looks close to .git, and characters beyond U+FFFF, are fine
    expect(validateRepoPath('.gitignore')).toBe('.gitignore');
    expect(validateRepoPath('git~0/a.yaml')).toBe('git~0/a.yaml');
    expect(validateRepoPath('docs/\u{1F680}.md')).toBe('docs/\u{1F680}.md');
  });

  it.each([
    ['../x', "'../x' has an empty, '.' or '..' component"],
    ['a/../../x', "has an empty, '.' or '..' component"],
    ['a//b', "has an empty, '.' or '..' component"],
    ['./a', "has an empty, '.' or '..' component"],
    ['/etc/passwd', 'must be relative'],
    ['a/', 'must be relative'],
    ['.git/config', 'points into .git'],
    ['sub/.GIT/hooks/x', 'points into .git'],
    ['a\\b', 'control character or a backslash'],
    ['x/.git./config', "component git refuses: '.git.' is .git on some file system"],
    ['GIT~1/hooks', "'GIT~1' is .git on some file system"],
    ['.git::$INDEX_ALLOCATION/x', 'is .git on some file system'],
    ['.g\u200cit/config', 'is .git on some file system'],
    ['a/\ud800.yaml', 'holds a lone surrogate'],
    ['a\nb', 'control character or a backslash'],
    ['', 'a file path is required'],
  ])('refuses %j (%s), naming the field', (path, reason) => {
    expect(() => validateRepoPath(path, 'operations[3].path')).toThrow(
      `operations[3].path: `,
    );
    expect(() => validateRepoPath(path)).toThrow(reason);
  });

  it('refuses absurdly long paths', () => {
    expect(() => validateRepoPath(`${'a/'.repeat(3000)}b`)).toThrow(
      /longer than 4096/,
    );
  });
});

describe('validateBranchName', () => {
  it('accepts the branches the portal creates', () => {
    expect(validateBranchName('butler/workspace/alice-dev/1a2b3c4d')).toBe(
      'butler/workspace/alice-dev/1a2b3c4d',
    );
  });

  it.each([
    '',
    'refs/heads/x',
    'HEAD',
    '-x',
    'a..b',
    'a/.hidden',
    'x.lock',
    'a b',
    'a~1',
    'a^',
    'a:b',
    'x/',
    'a@{1}',
    'a//b',
  ])('refuses %j', name => {
    expect(() => validateBranchName(name)).toThrow(/branch/);
  });
});

describe('isValidRefName', () => {
  it('follows git check-ref-format', () => {
    expect(isValidRefName('refs/changes/01/1/meta')).toBe(true);
    expect(isValidRefName('refs/heads/a.lock')).toBe(false);
    expect(isValidRefName('heads/a')).toBe(false);
    expect(isValidRefName('refs/heads/a*')).toBe(false);
  });
});

describe('normalizePrefix', () => {
  it('drops trailing slashes and checks the rest like a path', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix('/')).toBe('');
    expect(normalizePrefix('workspaces/')).toBe('workspaces');
    expect(() => normalizePrefix('../')).toThrow(/prefix/);
  });
});
