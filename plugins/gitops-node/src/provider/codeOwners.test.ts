import { compilePattern, ownersOf, parseCodeOwners } from './codeOwners';

describe('compilePattern (GitHub CODEOWNERS semantics)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', 'a/b/c.yaml', true],
    ['*.yaml', 'deep/dir/x.yaml', true],
    ['*.yaml', 'x.yml', false],
    ['/docs/', 'docs/a/b.md', true],
    ['/docs/', 'sub/docs/a.md', false],
    ['docs/', 'sub/docs/a.md', true], // a trailing slash alone does not anchor
    ['apps/', 'x/apps/y.txt', true],
    ['apps', 'x/apps/y.txt', true],
    ['apps', 'x/apps', true],
    ['docs/*', 'docs/getting-started.md', true],
    ['docs/*', 'docs/build-app/troubleshooting.md', false],
    ['**/logs', 'a/b/logs/x.txt', true],
    ['**/logs', 'logs/x.txt', true],
    ['/build/logs/', 'build/logs/x/y.log', true],
    ['docs/**/*.md', 'docs/a/b/c.md', true],
    ['docs/**/*.md', 'docs/c.md', true],
    ['workspaces/team-?/', 'workspaces/team-a/x.yaml', true],
    ['workspaces/team-?/', 'workspaces/team-ab/x.yaml', false],
    ['a.b', 'axb', false],
  ];
  it.each(cases)('%s matches %s: %s', (pattern, path, expected) => {
    expect(compilePattern(pattern)(path)).toBe(expected);
  });
});

describe('parseCodeOwners', () => {
  it('keeps order, skips comments and unsupported syntax, and lets the last match win', () => {
    const rules = parseCodeOwners(
      [
        '# global owners',
        '*            @platform-team',
        '',
        '/workspaces/ @guest ops@example.com  # inline comment',
        '/workspaces/shared/',
        '!negated     @nobody',
        '[ab].yaml    @nobody',
        '\\#hash.md   @hash',
      ].join('\n'),
    );
    expect(rules.map(r => [r.pattern, r.owners, r.line])).toEqual([
      ['*', ['@platform-team'], 2],
      ['/workspaces/', ['@guest', 'ops@example.com'], 4],
      ['/workspaces/shared/', [], 5],
      ['#hash.md', ['@hash'], 8],
    ]);
    expect(ownersOf(rules, 'README.md')?.owners).toEqual(['@platform-team']);
    expect(ownersOf(rules, 'workspaces/a/x.yaml')?.owners).toEqual([
      '@guest',
      'ops@example.com',
    ]);
    // a rule without owners leaves the path unowned
    expect(ownersOf(rules, 'workspaces/shared/x.yaml')?.owners).toEqual([]);
    expect(ownersOf(rules, '#hash.md')?.owners).toEqual(['@hash']);
    expect(
      ownersOf(parseCodeOwners('/docs/ @x\n'), 'README.md'),
    ).toBeUndefined();
  });
});
