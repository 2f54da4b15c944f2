import { dependentsOf, resolveDependencies } from './dependencies';
import { RegistryIndex } from './RegistryIndex';

const artifact = (
  name: string,
  dependencies?: object[],
  namespace = 'team-a',
) =>
  ({
    repository: 'platform',
    file: `artifacts/${namespace}/${name}.yaml`,
    record: {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'Artifact',
      metadata: { name, namespace },
      spec: {
        type: 'terraform-module',
        owner: 'group:default/team-a',
        dependencies,
      },
    },
  } as any);

const version = (
  name: string,
  v: string,
  extra: object = {},
  namespace = 'team-a',
) =>
  ({
    repository: 'platform',
    file: `artifact-versions/${namespace}/${name}-${v}.yaml`,
    record: {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'ArtifactVersion',
      metadata: { name: `${name}-${v}`, namespace },
      spec: {
        artifact: name,
        version: v,
        source: {
          git: { url: 'https://x/y.git', ref: 'main', commit: 'a'.repeat(40) },
        },
        ...extra,
      },
    },
  } as any);

describe('dependencies', () => {
  const index = new RegistryIndex({
    revision: 'r',
    commits: new Map(),
    artifacts: [
      artifact('eks', [
        { artifact: 'vpc', versionRange: '^1.4.0' },
        { artifact: 'net/subnets', versionRange: '~2.0' },
        { artifact: 'ghost', versionRange: '^1' },
        { artifact: 'vpc', versionRange: '>=3' },
      ]),
      artifact('vpc'),
      artifact('subnets', [], 'net'),
    ],
    versions: [
      version('vpc', '1.4.0'),
      version('vpc', '1.5.0'),
      version('vpc', '1.6.0', { yanked: 'broken' }),
      version('subnets', '2.0.3', {}, 'net'),
    ],
    problems: [],
  });

  it('resolves each range to the highest served version, or says why not', () => {
    expect(resolveDependencies(index, index.get('team-a', 'eks')!)).toEqual([
      {
        artifact: 'vpc',
        versionRange: '^1.4.0',
        namespace: 'team-a',
        name: 'vpc',
        resolved: '1.5.0',
      },
      {
        artifact: 'net/subnets',
        versionRange: '~2.0',
        namespace: 'net',
        name: 'subnets',
        resolved: '2.0.3',
      },
      {
        artifact: 'ghost',
        versionRange: '^1',
        namespace: 'team-a',
        name: 'ghost',
        problem: 'artifact team-a/ghost does not exist',
      },
      {
        artifact: 'vpc',
        versionRange: '>=3',
        namespace: 'team-a',
        name: 'vpc',
        problem: 'no merged version of team-a/vpc is in >=3',
      },
    ]);
  });

  it('lists who uses an artifact and whether they accept its latest version', () => {
    expect(dependentsOf(index, index.get('team-a', 'vpc')!)).toEqual([
      {
        namespace: 'team-a',
        name: 'eks',
        versionRange: '^1.4.0',
        acceptsLatest: true,
      },
      {
        namespace: 'team-a',
        name: 'eks',
        versionRange: '>=3',
        acceptsLatest: false,
      },
    ]);
  });
});
