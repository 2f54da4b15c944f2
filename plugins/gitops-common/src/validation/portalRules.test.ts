import { KINDS, findKind } from '../kinds/kinds';
import { parseResourceYaml } from '../yaml/parseResourceYaml';
import {
  checkArtifactVersionName,
  checkResourceLocation,
  normaliseRepoPath,
  unknownKindIssue,
} from './portalRules';

function parse(text: string) {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return parsed.yaml;
}

describe('checkArtifactVersionName', () => {
  const text = (name: string) =>
    `metadata:\n  name: ${name}\nspec:\n  artifact: vpc\n  version: 1.2.0-rc.1\n`;

  it('accepts <artifact>-<version>', () => {
    const yaml = parse(text('vpc-1.2.0-rc.1'));
    expect(checkArtifactVersionName(yaml.value, yaml)).toEqual([]);
  });

  it('names the expected name at metadata.name', () => {
    const yaml = parse(text('vpc-1.2.0'));
    expect(checkArtifactVersionName(yaml.value, yaml)).toEqual([
      {
        path: '/metadata/name',
        line: 2,
        column: 9,
        message:
          'metadata.name: must be "vpc-1.2.0-rc.1" (<spec.artifact>-<spec.version>), found "vpc-1.2.0"',
      },
    ]);
  });

  it('leaves missing fields to the schema', () => {
    const yaml = parse('metadata:\n  name: x\nspec: {}\n');
    expect(checkArtifactVersionName(yaml.value, yaml)).toEqual([]);
  });
});

describe('checkResourceLocation', () => {
  const workspace = findKind('Workspace')!;
  const yaml = parse('metadata:\n  name: dev\n  namespace: team-a\n');

  it('accepts the layout path, also under a root', () => {
    expect(
      checkResourceLocation(
        workspace,
        yaml.value,
        'workspaces/team-a/dev.yaml',
        yaml,
      ),
    ).toEqual([]);
    expect(
      checkResourceLocation(
        workspace,
        yaml.value,
        'gitops/workspaces/team-a/dev.yaml',
        yaml,
        {
          root: 'gitops',
        },
      ),
    ).toEqual([]);
  });

  it('names the expected path', () => {
    expect(
      checkResourceLocation(
        workspace,
        yaml.value,
        'workspaces/team-a/other.yaml',
        yaml,
      ),
    ).toEqual([
      {
        path: '/metadata/name',
        line: 2,
        column: 9,
        message:
          'file is at "workspaces/team-a/other.yaml", but Workspace team-a/dev belongs at "workspaces/team-a/dev.yaml"; move the file, or change metadata.namespace and metadata.name',
      },
    ]);
  });

  it('computes no path from a name the schema rejects', () => {
    const bad = parse('metadata:\n  name: ../x\n  namespace: team-a\n');
    expect(
      checkResourceLocation(workspace, bad.value, 'anything.yaml', bad),
    ).toEqual([]);
  });
});

describe('normaliseRepoPath', () => {
  it('turns backslashes into slashes and drops leading "./"', () => {
    expect(normaliseRepoPath('.\\workspaces\\a\\b.yaml')).toBe(
      'workspaces/a/b.yaml',
    );
    expect(normaliseRepoPath('././a.yaml')).toBe('a.yaml');
    expect(normaliseRepoPath('../a.yaml')).toBe('../a.yaml');
  });
});

describe('unknownKindIssue', () => {
  it('suggests the kind a plural or lower-case name stands for', () => {
    const yaml = parse('apiVersion: x/v1\nkind: pipelines\n');
    expect(unknownKindIssue(yaml.value, yaml, KINDS)).toEqual({
      path: '/kind',
      line: 2,
      column: 7,
      message: expect.stringMatching(
        /^kind: unknown kind "pipelines"; known kinds: Workspace \(butler.butlerlabs.dev\/v1alpha1\), .* Did you mean "Pipeline"\?$/,
      ),
    });
  });

  it('names the served apiVersion of a known kind', () => {
    const yaml = parse(
      'apiVersion: keeper.butlerlabs.dev/v1\nkind: Artifact\n',
    );
    expect(unknownKindIssue(yaml.value, yaml, KINDS).message).toBe(
      'apiVersion: "keeper.butlerlabs.dev/v1" is not served for kind Artifact; use "keeper.butlerlabs.dev/v1alpha1"',
    );
  });

  it('does not echo a huge value', () => {
    const yaml = parse(`apiVersion: v1\nkind: ${'X'.repeat(5000)}\n`);
    expect(
      unknownKindIssue(yaml.value, yaml, KINDS).message.length,
    ).toBeLessThan(600);
  });
});
