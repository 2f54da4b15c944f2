import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { gitopsApiRef, rootRouteRef } from '@butler-portal/plugin-gitops-react';
import {
  aChange,
  mockGitopsApi,
} from '@butler-portal/plugin-gitops-react/testUtils';
import { GitopsEntityContent } from './GitopsEntityContent';
import {
  aResourceDetail,
  aSyncTarget,
  aWorkspaceEntity,
  WORKSPACE_YAML,
} from '../__testUtils__/testEntity';

// jsdom lays nothing out; CodeMirror measures text ranges after each render
beforeAll(() => {
  const noRects = () =>
    Object.assign([], { item: () => null }) as unknown as DOMRectList;
  Range.prototype.getClientRects = noRects;
  Range.prototype.getBoundingClientRect = () => new DOMRect();
});

async function renderContent(api: ReturnType<typeof mockGitopsApi>) {
  await renderInTestApp(
    <EntityProvider entity={aWorkspaceEntity()}>
      <GitopsEntityContent />
    </EntityProvider>,
    {
      apis: [[gitopsApiRef, api]],
      mountedRoutes: { '/changes': rootRouteRef },
    },
  );
}

describe('GitopsEntityContent', () => {
  it('shows the spec, the file in Git, its open changes and its sync status', async () => {
    const api = mockGitopsApi();
    api.getResource.mockResolvedValue(
      aResourceDetail({
        changes: [aChange({ title: 'Bump jane-dev memory' })],
      }),
    );
    api.getSyncStatus.mockResolvedValue([aSyncTarget()]);

    await renderContent(api);

    // the file is read by the entity's own kind, namespace and name
    expect(api.getResource).toHaveBeenCalledWith({
      kind: 'Workspace',
      namespace: 'team-a',
      name: 'jane-dev',
    });

    // spec: the workspace fields people look for, nested values indented under their key
    const template = screen.getByTestId('spec-field-Template');
    expect(template).toHaveTextContent('node-dev');
    expect(screen.getByTestId('spec-field-Image')).toHaveTextContent(
      'ghcr.io/butlerdotdev/workspace-node:22',
    );
    expect(screen.getByTestId('spec-field-Owner')).toHaveTextContent(
      'jane@example.com',
    );
    const resources = screen.getByTestId('spec-field-Resources');
    expect(
      within(resources).getByTestId('spec-field-Memory'),
    ).toHaveTextContent('4Gi');
    // acronyms in capitals, not "Cpu"
    expect(within(resources).getByTestId('spec-field-CPU')).toHaveTextContent(
      '2',
    );
    const repositories = screen.getByTestId('spec-field-Repositories');
    expect(
      within(repositories).getByTestId('spec-field-URL'),
    ).toHaveTextContent('https://git.example/app.git');
    expect(screen.getByTestId('spec-field-Cluster ref')).toHaveTextContent(
      'dev-cluster',
    );

    // the file as it is in Git, with where it is
    expect(
      await screen.findByText(
        /platform: workspaces\/team-a\/jane-dev\.yaml at 01234567/,
      ),
    ).toBeInTheDocument();
    const yaml = screen.getByTestId('resource-yaml');
    expect(yaml.querySelector('.cm-content')?.textContent).toBe(
      WORKSPACE_YAML.split('\n').join(''),
    );
    expect(yaml.querySelector('.cm-content')).toHaveAttribute(
      'contenteditable',
      'false',
    );
    expect(
      screen.getByRole('link', { name: /^View in repository/ }),
    ).toHaveAttribute(
      'href',
      'https://git.example/platform/blob/main/workspaces/team-a/jane-dev.yaml',
    );

    // the open change links to its page
    expect(
      screen.getByRole('link', { name: 'Bump jane-dev memory' }),
    ).toHaveAttribute('href', '/changes/platform%3A12');

    // sync status of the target holding it
    const target = await screen.findByTestId('sync-target-butler');
    expect(target).toHaveTextContent('Synced');
    expect(target).toHaveTextContent('Applied revision: fedcba98');
    expect(target).toHaveTextContent('Target: Ready (Synced) at fedcba98');
  });

  it('shows a failed sync with its error and health', async () => {
    const api = mockGitopsApi();
    api.getResource.mockResolvedValue(aResourceDetail());
    api.getSyncStatus.mockResolvedValue([
      {
        ...aSyncTarget({
          status: 'Failed',
          reason: 'ApplyFailed',
          revision: null,
          lastError: 'admission webhook denied: image not allowed',
          health: { status: 'Missing' },
        }),
        condition: 'Stalled',
        reason: 'ApplyFailed',
      },
    ]);

    await renderContent(api);

    const target = await screen.findByTestId('sync-target-butler');
    expect(target).toHaveTextContent('Failed (ApplyFailed)');
    expect(target).toHaveTextContent('Applied revision: never applied');
    expect(target).toHaveTextContent('Health: Missing');
    expect(target).toHaveTextContent(
      'Last error: admission webhook denied: image not allowed',
    );
    expect(target).toHaveTextContent('Target: Stalled (ApplyFailed)');
    // no open changes for the file
    expect(
      await screen.findByText('No open change requests touch this file.'),
    ).toBeInTheDocument();
  });

  it('says when a target does not hold the resource yet', async () => {
    const api = mockGitopsApi();
    api.getResource.mockResolvedValue(aResourceDetail());
    api.getSyncStatus.mockResolvedValue([{ ...aSyncTarget(), resources: [] }]);

    await renderContent(api);

    expect(
      await screen.findByText('Not in this target yet'),
    ).toBeInTheDocument();
  });

  it('says sync status is not available when the backend runs no reconciler', async () => {
    const api = mockGitopsApi();
    api.getResource.mockResolvedValue(aResourceDetail());
    api.getSyncStatus.mockResolvedValue(undefined);

    await renderContent(api);

    expect(
      await screen.findByText(/Sync status not available/),
    ).toBeInTheDocument();
  });

  it('shows the reasons when the file or the sync status cannot be read', async () => {
    const api = mockGitopsApi();
    api.getResource.mockRejectedValue(
      new Error('repository platform is unreachable'),
    );
    api.getSyncStatus.mockRejectedValue(new Error('store down'));

    await renderContent(api);

    expect(
      await screen.findByText(
        /Could not read the file: repository platform is unreachable/,
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByText(/Could not load the sync status: store down/),
    ).toBeInTheDocument();
    // the spec still shows: it comes from the catalog
    expect(screen.getByTestId('spec-field-Image')).toBeInTheDocument();
  });
});
