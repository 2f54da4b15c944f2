import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { mockRegistryApi } from '../__testUtils__/fixtures';
import { registryApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { parseNamespaces, TokensPage } from './TokensPage';

const TOKEN = {
  id: 't1',
  name: 'ci',
  owner: 'user:default/jane',
  namespaces: ['team-a'],
  createdAt: '2026-12-01T10:00:00Z',
};

function renderPage(registryApi = mockRegistryApi()) {
  renderInTestApp(<TokensPage />, {
    apis: [[registryApiRef, registryApi]],
    mountedRoutes: { '/registry': rootRouteRef },
  });
  return registryApi;
}

describe('parseNamespaces', () => {
  it('splits, dedupes and checks namespaces', () => {
    expect(parseNamespaces('team-a, team-b team-a')).toEqual({
      namespaces: ['team-a', 'team-b'],
    });
    expect(parseNamespaces(' ').problem).toBe(
      'name at least one artifact namespace',
    );
    expect(parseNamespaces('../x').problem).toMatch(
      /"\.\.\/x" is not a namespace/,
    );
  });
});

describe('TokensPage', () => {
  it('lists tokens and revokes one', async () => {
    const api = mockRegistryApi();
    api.listTokens
      .mockResolvedValueOnce([TOKEN])
      .mockResolvedValue([{ ...TOKEN, revokedAt: '2026-12-07T11:00:00Z' }]);
    renderPage(api);
    const table = await screen.findByRole('table', { name: 'Registry tokens' });
    expect(within(table).getByText('ci')).toBeInTheDocument();
    // whose token it is: a team admin also sees the tokens of their team's namespaces
    expect(within(table).getByText('jane')).toBeInTheDocument();
    expect(within(table).getByText('never')).toBeInTheDocument();
    fireEvent.click(within(table).getByLabelText('Revoke ci'));
    await waitFor(() => expect(api.revokeToken).toHaveBeenCalledWith('t1'));
    expect(
      await screen.findByText('revoked 2026-12-07T11:00:00Z'),
    ).toBeInTheDocument();
  });

  it('creates a token and shows its secret once, with a copy button', async () => {
    const api = mockRegistryApi();
    api.createToken.mockResolvedValue({ ...TOKEN, token: 'krt_secret123' });
    renderPage(api);
    expect(await screen.findByText('No registry tokens')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'ci' },
    });
    fireEvent.change(screen.getByLabelText('Namespaces'), {
      target: { value: 'team-a' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(await screen.findByTestId('created-token')).toHaveTextContent(
      'krt_secret123',
    );
    expect(api.createToken).toHaveBeenCalledWith({
      name: 'ci',
      namespaces: ['team-a'],
    });
    expect(
      within(screen.getByRole('status')).getByRole('button'),
    ).toBeInTheDocument();
  });

  it('refuses a token without a name or namespaces and sends nothing', async () => {
    const api = mockRegistryApi();
    renderPage(api);
    await screen.findByText('No registry tokens');
    fireEvent.click(screen.getByRole('button', { name: 'Create token' }));
    expect(screen.getByText('a name is required')).toBeInTheDocument();
    expect(
      screen.getByText('name at least one artifact namespace'),
    ).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText('Name'), {
      target: { value: 'x'.repeat(101) },
    });
    expect(
      screen.getByText('a name is at most 100 characters'),
    ).toBeInTheDocument();
    expect(api.createToken).not.toHaveBeenCalled();
  });

  it('shows the reason when the list fails', async () => {
    const api = mockRegistryApi();
    api.listTokens.mockRejectedValue(new Error('permission denied'));
    renderPage(api);
    expect(
      await screen.findByText('Error: permission denied'),
    ).toBeInTheDocument();
  });
});
