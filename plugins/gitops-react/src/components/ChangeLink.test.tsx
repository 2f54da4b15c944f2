import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen } from '@testing-library/react';
import { rootRouteRef } from '../routes';
import { ChangeLink } from './ChangeLink';
import { ChangeStateChip } from './status';

describe('ChangeLink', () => {
  it('links to the provider when the change has a URL', async () => {
    await renderInTestApp(
      <ChangeLink
        change={{
          id: 'platform:7',
          number: 7,
          url: 'https://github.example/acme/platform/pull/7',
        }}
      />,
      { mountedRoutes: { '/changes': rootRouteRef } },
    );
    expect(screen.getByRole('link', { name: /^#7/ })).toHaveAttribute(
      'href',
      'https://github.example/acme/platform/pull/7',
    );
  });

  it("links a local change to the portal's change page, with the id encoded", async () => {
    await renderInTestApp(
      <ChangeLink change={{ id: 'lab:3', number: 3 }}>review it</ChangeLink>,
      { mountedRoutes: { '/changes': rootRouteRef } },
    );
    expect(screen.getByRole('link', { name: 'review it' })).toHaveAttribute(
      'href',
      '/changes/lab%3A3',
    );
  });

  it('is plain text when the Changes page is not in the app', async () => {
    await renderInTestApp(
      <>
        <ChangeLink change={{ id: 'lab:3', number: 3 }} />
        <ChangeStateChip state="merged" />
      </>,
    );
    expect(screen.getByText('#3')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(screen.getByTestId('change-state')).toHaveTextContent('merged');
  });
});
