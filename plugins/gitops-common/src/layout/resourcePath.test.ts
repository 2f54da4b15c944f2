import { KINDS } from '../kinds/kinds';
import {
  InvalidResourcePathError,
  parseResourcePath,
  resourcePath,
} from './resourcePath';
import { thrownBy } from '../__testUtils__/thrownBy';

describe('resourcePath', () => {
  it('puts each kind in its folder', () => {
    for (const kind of KINDS) {
      expect(
        resourcePath({ kind: kind.kind, namespace: 'team-a', name: 'dev' }),
      ).toBe(`${kind.folder}/team-a/dev.yaml`);
    }
  });

  it('allows dotted names (ArtifactVersion is <artifact>-<semver>)', () => {
    expect(
      resourcePath({
        kind: 'ArtifactVersion',
        namespace: 'team-a',
        name: 'terraform-aws-vpc-1.4.0',
      }),
    ).toBe('artifact-versions/team-a/terraform-aws-vpc-1.4.0.yaml');
  });

  it('prefixes the layout root, whatever slashes surround it', () => {
    const ref = { kind: 'Pipeline', namespace: 'ns', name: 'logs' } as const;
    expect(resourcePath(ref, { root: 'platform/gitops' })).toBe(
      'platform/gitops/pipelines/ns/logs.yaml',
    );
    expect(resourcePath(ref, { root: '/gitops/' })).toBe(
      'gitops/pipelines/ns/logs.yaml',
    );
    expect(resourcePath(ref, { root: '' })).toBe('pipelines/ns/logs.yaml');
  });

  it.each([
    ['name', '../x'],
    ['name', 'a/b'],
    ['name', ''],
    ['name', 'UPPER'],
    ['name', 'a'.repeat(254)],
    ['name', 'a\u0000b'],
    ['name', '.hidden'],
    ['name', 'a..b'],
    ['namespace', '..'],
    ['namespace', 'a.b'],
    ['namespace', 'team/a'],
    ['namespace', 'a'.repeat(64)],
  ] as const)('refuses a %s of %j with a typed error', (part, value) => {
    const ref = {
      kind: 'Workspace' as const,
      namespace: 'team-a',
      name: 'dev',
      [part]: value,
    };
    const error = thrownBy(() => resourcePath(ref));
    expect(error).toBeInstanceOf(InvalidResourcePathError);
    expect((error as InvalidResourcePathError).part).toBe(part);
    expect(error.name).toBe('InputError');
    expect(error.message).toContain(`${part}: `);
    expect(error.message).toContain('is not a valid DNS-1123 name');
  });

  it('refuses an unknown kind', () => {
    expect(() =>
      resourcePath({ kind: 'Secret' as any, namespace: 'a', name: 'b' }),
    ).toThrow(/unknown kind "Secret"; known kinds: Workspace, /);
  });

  it.each(['..', 'a/../b', 'a//b', './a', 'a\\b', 'a/\u0001'])(
    'refuses the layout root %j',
    root => {
      expect(() =>
        resourcePath(
          { kind: 'Workspace', namespace: 'a', name: 'b' },
          { root },
        ),
      ).toThrow(InvalidResourcePathError);
    },
  );
});

describe('parseResourcePath', () => {
  it('is the inverse of resourcePath for every kind', () => {
    for (const kind of KINDS) {
      const ref = { kind: kind.kind, namespace: 'team-a', name: 'x-1.0.0' };
      expect(parseResourcePath(resourcePath(ref))).toEqual(ref);
      expect(
        parseResourcePath(resourcePath(ref, { root: 'gitops' }), {
          root: 'gitops',
        }),
      ).toEqual(ref);
    }
  });

  it.each([
    'workspaces/team-a/dev.yml',
    'workspaces/team-a/dev.json',
    'workspaces/team-a/dev',
    'workspaces/team-a/.yaml',
    'workspaces/team-a/sub/dev.yaml',
    'workspaces/dev.yaml',
    './workspaces/team-a/dev.yaml',
    '/workspaces/team-a/dev.yaml',
    'workspaces/../team-a/dev.yaml',
    'workspaces/Team-A/dev.yaml',
    'workspaces/team-a/Dev.yaml',
    'workspaces/team-a/..yaml',
    'secrets/team-a/dev.yaml',
    'README.md',
    '',
  ])('returns undefined for %j', path => {
    expect(parseResourcePath(path)).toBeUndefined();
  });

  it('requires the root prefix when the layout has one', () => {
    expect(
      parseResourcePath('workspaces/a/b.yaml', { root: 'gitops' }),
    ).toBeUndefined();
    expect(parseResourcePath('gitops/workspaces/a/b.yaml')).toBeUndefined();
    expect(
      parseResourcePath('gitopsx/workspaces/a/b.yaml', { root: 'gitops' }),
    ).toBeUndefined();
  });
});
