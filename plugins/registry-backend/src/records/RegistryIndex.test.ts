import { RegistryIndex, artifactSummary, latestServed } from './RegistryIndex';

const artifact = (name: string, type = 'terraform-module') =>
  ({
    repository: 'platform',
    file: `artifacts/team-a/${name}.yaml`,
    record: {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'Artifact',
      metadata: { name, namespace: 'team-a' },
      spec: { type, owner: 'group:default/team-a' },
    },
  } as any);

const version = (name: string, v: string, spec: object = {}) =>
  ({
    repository: 'platform',
    file: `artifact-versions/team-a/${name}-${v}.yaml`,
    record: {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'ArtifactVersion',
      metadata: { name: `${name}-${v}`, namespace: 'team-a' },
      spec: {
        artifact: name,
        version: v,
        source: {
          git: { url: 'https://x/y.git', ref: `v${v}`, commit: 'a'.repeat(40) },
        },
        ...spec,
      },
    },
  } as any);

describe('RegistryIndex', () => {
  const index = new RegistryIndex({
    revision: 'platform@1',
    commits: new Map([['platform', '1'.repeat(40)]]),
    artifacts: [
      artifact('vpc'),
      artifact('vpc'),
      artifact('chart', 'helm-chart'),
    ],
    versions: [
      version('vpc', '1.10.0'),
      version('vpc', '1.9.0', { deprecated: 'use 1.10' }),
      version('vpc', '2.0.0-rc.1'),
      version('vpc', '1.8.0', { yanked: 'broken' }),
      version('vpc', '1.7.0', {
        source: { git: { url: 'https://x/y.git', ref: 'main' } },
      }),
      version('vpc', '1.6.0', {
        source: {
          chart: { url: 'https://x/c.tgz', digest: `sha256:${'a'.repeat(64)}` },
        },
      }),
      version('vpc', '1.10.0'),
      version('ghost', '1.0.0'),
    ],
    problems: [],
  });

  it('orders versions by precedence and gives each its state', () => {
    const summary = artifactSummary(index.get('team-a', 'vpc')!);
    expect(summary.versions.map(v => [v.version, v.state])).toEqual([
      ['2.0.0-rc.1', 'merged'],
      ['1.10.0', 'merged'],
      ['1.9.0', 'deprecated'],
      ['1.8.0', 'yanked'],
      ['1.7.0', 'unavailable'],
      ['1.6.0', 'unavailable'],
    ]);
    expect(summary.versions[4].reason).toMatch(
      /pins neither a commit nor a digest/,
    );
    expect(summary.versions[5].reason).toBe(
      'a terraform-module is served from a git source, not chart (spec.source.chart)',
    );
  });

  it('takes the newest release as latest, not a pre-release', () => {
    expect(latestServed(index.get('team-a', 'vpc')!)!.version).toBe('1.10.0');
  });

  it('reports duplicates and versions of unknown artifacts', () => {
    expect(index.problems.map(p => p.message)).toEqual([
      expect.stringMatching(/^artifact team-a\/vpc is also defined in/),
      'version 1.10.0 of team-a/vpc is defined twice; the first one is used',
      'version 1.0.0 of unknown artifact team-a/ghost',
    ]);
  });
});
