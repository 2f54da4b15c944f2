import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import { screen, within } from '@testing-library/react';
import {
  aChange,
  janeDevDetail,
  mockGitopsApi,
  mockRuntimeApi,
  UNAVAILABLE_REASON,
} from '../__testUtils__/fixtures';
import { butlerRuntimeApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { ChambersCard } from './ChambersCard';

const entity = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: { name: 'jane-dev', namespace: 'team-a' },
  spec: {},
};

async function renderCard(runtimeApi = mockRuntimeApi()) {
  const gitopsApi = mockGitopsApi();
  gitopsApi.getResource.mockResolvedValue(
    janeDevDetail({
      changes: [
        aChange({
          id: 'platform:15',
          number: 15,
          resources: [
            {
              kind: 'Workspace',
              namespace: 'team-a',
              name: 'jane-dev',
              operation: 'update',
            },
          ],
        }),
      ],
    }),
  );
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <ChambersCard />
    </EntityProvider>,
    {
      apis: [
        [gitopsApiRef, gitopsApi],
        [butlerRuntimeApiRef, runtimeApi],
      ],
      mountedRoutes: { '/workspaces': rootRouteRef },
    },
  );
}

describe('ChambersCard', () => {
  it('shows live status, connect links and pending changes', async () => {
    await renderCard(
      mockRuntimeApi([
        {
          namespace: 'team-a',
          name: 'jane-dev',
          exists: true,
          phase: 'Running',
          conditions: [],
          sshEndpoint: '10.0.4.17:30022',
        },
      ]),
    );
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Open in JetBrains Gateway' }),
    ).toHaveAttribute(
      'href',
      'jetbrains-gateway://connect#type=ssh&deploy=false&host=10.0.4.17&port=30022&user=dev&projectPath=%2Fworkspace%2Fapi',
    );
    const changes = screen.getByRole('list', {
      name: 'Pending changes of team-a/jane-dev',
    });
    expect(
      within(changes).getByRole('link', { name: /#15 update/ }),
    ).toBeInTheDocument();
  });

  it('says live status is unavailable without a management cluster', async () => {
    await renderCard();
    expect(
      await screen.findByRole('status', { name: 'Runtime unavailable' }),
    ).toHaveTextContent(UNAVAILABLE_REASON);
    expect(
      screen.getByRole('link', { name: 'Open in VS Code' }),
    ).toHaveAttribute(
      'href',
      'vscode://vscode-remote/ssh-remote+jane-dev.team-a.butler/workspace/api',
    );
  });

  it('names the file and its parse error when the workspace file does not parse', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.getResource.mockResolvedValue(
      janeDevDetail({
        object: null,
        issues: [
          {
            file: 'workspaces/team-a/jane-dev.yaml',
            path: '',
            line: 4,
            column: 3,
            message: 'bad indentation of a mapping entry',
          },
        ],
      }),
    );
    await renderInTestApp(
      <EntityProvider entity={entity}>
        <ChambersCard />
      </EntityProvider>,
      {
        apis: [
          [gitopsApiRef, gitopsApi],
          [butlerRuntimeApiRef, mockRuntimeApi()],
        ],
        mountedRoutes: { '/workspaces': rootRouteRef },
      },
    );
    expect(
      await screen.findByText(
        /Could not load the workspace: workspaces\/team-a\/jane-dev.yaml does not parse/,
      ),
    ).toHaveTextContent(
      'workspaces/team-a/jane-dev.yaml:4:3 bad indentation of a mapping entry',
    );
  });
});
