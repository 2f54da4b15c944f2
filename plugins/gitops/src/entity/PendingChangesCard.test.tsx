import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { gitopsApiRef, rootRouteRef } from '@butler-portal/plugin-gitops-react';
import {
  aChange,
  mockGitopsApi,
} from '@butler-portal/plugin-gitops-react/testUtils';
import { PendingChangesCard } from './PendingChangesCard';
import { SourceCard } from './SourceCard';
import { aResourceDetail, aWorkspaceEntity } from '../__testUtils__/testEntity';

async function renderCard(card: JSX.Element, api = mockGitopsApi()) {
  await renderInTestApp(
    <EntityProvider entity={aWorkspaceEntity()}>{card}</EntityProvider>,
    {
      apis: [[gitopsApiRef, api]],
      mountedRoutes: { '/changes': rootRouteRef },
    },
  );
}

describe('PendingChangesCard', () => {
  it('counts and lists the open changes touching the file', async () => {
    const api = mockGitopsApi();
    api.getResource.mockResolvedValue(
      aResourceDetail({
        changes: [
          aChange({ title: 'Bump jane-dev memory' }),
          aChange({ id: 'platform:13', number: 13, title: 'Delete jane-dev' }),
        ],
      }),
    );

    await renderCard(<PendingChangesCard />, api);

    expect(
      await screen.findByText('2 open change requests'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Delete jane-dev' }),
    ).toHaveAttribute('href', '/changes/platform%3A13');
    expect(screen.getByText('Bump jane-dev memory')).toBeInTheDocument();
    // a card has room for the states, not for a search box over two rows
    expect(screen.queryByPlaceholderText('Filter')).not.toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map(h => h.textContent)).toEqual(
      ['Change', 'Opened', 'Review', 'Merge'],
    );
  });

  it('says when no change is pending', async () => {
    const api = mockGitopsApi();
    api.getResource.mockResolvedValueOnce(aResourceDetail());
    await renderCard(<PendingChangesCard />, api);
    expect(
      await screen.findByText('0 open change requests'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No open change requests touch this file.'),
    ).toBeInTheDocument();
  });

  it('shows the reason when the file cannot be read', async () => {
    const api = mockGitopsApi();
    api.getResource.mockRejectedValue(new Error('not found in platform'));
    await renderCard(<PendingChangesCard />, api);
    expect(
      await screen.findByText(
        /Could not load the pending changes: not found in platform/,
      ),
    ).toBeInTheDocument();
  });
});

describe('SourceCard', () => {
  it('shows the repository, file and commit with links to view and edit it', async () => {
    await renderCard(<SourceCard />);

    expect(screen.getByText('platform')).toBeInTheDocument();
    expect(
      screen.getByText('workspaces/team-a/jane-dev.yaml'),
    ).toBeInTheDocument();
    expect(screen.getByText('01234567')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^Edit file/ })).toHaveAttribute(
      'href',
      'https://git.example/platform/edit/main/workspaces/team-a/jane-dev.yaml',
    );
    expect(screen.getByRole('link', { name: /^View file/ })).toHaveAttribute(
      'href',
      'https://git.example/platform/blob/main/workspaces/team-a/jane-dev.yaml',
    );
  });
});
