import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, within } from '@testing-library/react';
import { aDetail, anArtifact } from '../__testUtils__/fixtures';
import { dependencyGraph } from '../lib/dependencyGraph';
import { rootRouteRef } from '../routes';
import { DependencyGraph } from './DependencyGraph';

/** team-b/eks uses team-a/vpc, which depends on team-a/subnets (resolved) and team-c/gone (not). */
function records() {
  return aDetail({
    artifact: anArtifact({ namespace: 'team-a', name: 'vpc', latest: '1.5.0' }),
    dependencies: [
      {
        artifact: 'team-a/subnets',
        namespace: 'team-a',
        name: 'subnets',
        versionRange: '^2.0.0',
        resolved: '2.1.0',
      },
      {
        artifact: 'team-c/gone',
        namespace: 'team-c',
        name: 'gone',
        versionRange: '~1.0.0',
        problem: 'no artifact team-c/gone',
      },
    ],
    usedBy: [
      {
        namespace: 'team-b',
        name: 'eks',
        versionRange: '^1.0.0',
        acceptsLatest: true,
      },
      {
        namespace: 'team-b',
        name: 'legacy',
        versionRange: '~1.2.0',
        acceptsLatest: false,
      },
    ],
  });
}

function render(detail = records(), shownVersion?: string) {
  return renderInTestApp(
    <DependencyGraph detail={detail} shownVersion={shownVersion} />,
    { mountedRoutes: { '/registry': rootRouteRef } },
  );
}

describe('dependencyGraph', () => {
  it('puts users left of the artifact and dependencies right of it, with resolved labels', () => {
    const model = dependencyGraph(records());
    const at = Object.fromEntries(model.nodes.map(n => [n.id, n]));
    expect(Object.keys(at).sort()).toEqual([
      'team-a/subnets',
      'team-a/vpc',
      'team-b/eks',
      'team-b/legacy',
      'team-c/gone',
    ]);
    expect(at['team-a/vpc']).toMatchObject({ role: 'artifact', version: '1.5.0' });
    expect(at['team-a/subnets']).toMatchObject({ role: 'dependency', version: '2.1.0' });
    expect(at['team-c/gone']).toMatchObject({
      role: 'dependency',
      problem: 'no artifact team-c/gone',
    });
    expect(at['team-b/eks'].position.x).toBeLessThan(at['team-a/vpc'].position.x);
    expect(at['team-a/vpc'].position.x).toBeLessThan(at['team-a/subnets'].position.x);
    expect(at['team-a/subnets'].position.x).toBe(at['team-c/gone'].position.x);
    expect(
      model.edges.map(e => [e.from, e.to, e.label, e.state]).sort(),
    ).toEqual([
      ['team-a/vpc', 'team-a/subnets', '^2.0.0 → 2.1.0', 'ok'],
      ['team-a/vpc', 'team-c/gone', '~1.0.0 (unresolved)', 'error'],
      ['team-b/eks', 'team-a/vpc', '^1.0.0', 'ok'],
      ['team-b/legacy', 'team-a/vpc', '~1.2.0 (not the latest)', 'warning'],
    ]);
  });

  it('draws an artifact that is both a dependency and a user once, with both edges', () => {
    const detail = records();
    detail.usedBy = [
      {
        namespace: 'team-a',
        name: 'subnets',
        versionRange: '>=1.0.0',
        acceptsLatest: true,
      },
    ];
    const model = dependencyGraph(detail);
    expect(model.nodes.filter(n => n.id === 'team-a/subnets')).toHaveLength(1);
    expect(model.edges.map(e => e.id)).toContain('team-a/subnets->team-a/vpc');
    expect(model.edges.map(e => e.id)).toContain('team-a/vpc->team-a/subnets');
  });
});

describe('DependencyGraph', () => {
  it('shows a node per artifact, linked to its page, and an edge per dependency with its range and resolved version', async () => {
    await render(records(), '1.4.0');
    const graph = await screen.findByRole('figure', { name: 'Dependency graph' });
    const self = await within(graph).findByLabelText('team-a/vpc (this artifact)');
    expect(within(self).getByText('vpc')).not.toHaveAttribute('href');
    expect(within(self).getByText('1.4.0')).toBeInTheDocument();
    const subnets = within(graph).getByLabelText('team-a/subnets');
    expect(within(subnets).getByRole('link', { name: 'subnets' })).toHaveAttribute(
      'href',
      '/registry/team-a/subnets',
    );
    expect(within(subnets).getByText('2.1.0')).toBeInTheDocument();
    expect(
      within(within(graph).getByLabelText('team-c/gone')).getByText(
        'unresolved: no artifact team-c/gone',
      ),
    ).toBeInTheDocument();
    expect(
      within(within(graph).getByLabelText('team-b/eks')).getByRole('link', {
        name: 'eks',
      }),
    ).toHaveAttribute('href', '/registry/team-b/eks');

    // the edges: drawn once their end nodes are measured
    const edge = await within(graph).findByLabelText(
      'team-a/vpc depends on team-a/subnets ^2.0.0, resolved to 2.1.0',
    );
    expect(edge).toHaveAttribute('data-state', 'ok');
    expect(within(edge).getByText('^2.0.0 → 2.1.0')).toBeInTheDocument();
    expect(
      within(graph).getByLabelText(
        'team-a/vpc depends on team-c/gone ~1.0.0, which does not resolve: no artifact team-c/gone',
      ),
    ).toHaveAttribute('data-state', 'error');
    expect(
      within(graph).getByLabelText('team-b/eks depends on team-a/vpc ^1.0.0'),
    ).toHaveAttribute('data-state', 'ok');
    expect(
      within(graph).getByLabelText(
        'team-b/legacy depends on team-a/vpc ~1.2.0, which does not accept its latest version',
      ),
    ).toHaveAttribute('data-state', 'warning');
    expect(graph.querySelectorAll('.react-flow__node')).toHaveLength(5);
    expect(graph.querySelectorAll('.react-flow__edge')).toHaveLength(4);
  });

  it('says so when the artifact neither depends on nor is used by another', async () => {
    await render(aDetail());
    expect(
      await screen.findByText(
        'team-a/terraform-aws-vpc depends on no other artifact, and no artifact depends on it.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('figure', { name: 'Dependency graph' }),
    ).not.toBeInTheDocument();
  });
});
