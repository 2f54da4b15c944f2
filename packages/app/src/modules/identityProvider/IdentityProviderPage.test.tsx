import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { discoveryApiRef } from '@backstage/frontend-plugin-api';
import { fireEvent, screen } from '@testing-library/react';
import { IdentityProviderPage } from './IdentityProviderPage';

const discoveryApi = {
  getBaseUrl: async (id: string) => `http://backend.test/api/${id}`,
};

function answers(...bodies: unknown[]) {
  const calls: string[] = [];
  jest.spyOn(global, 'fetch').mockImplementation(async url => {
    calls.push(String(url));
    const body = bodies[Math.min(calls.length - 1, bodies.length - 1)];
    return new Response(JSON.stringify(body), {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
    });
  });
  return calls;
}

const render = () =>
  renderInTestApp(
    <TestApiProvider apis={[[discoveryApiRef, discoveryApi]]}>
      <IdentityProviderPage />
    </TestApiProvider>,
  );

afterEach(() => jest.restoreAllMocks());

describe('IdentityProviderPage', () => {
  it('shows a broken IdentityProvider with its reason, and checks again on request', async () => {
    const calls = answers(
      {
        name: 'corp',
        phase: 'Failed',
        reason:
          'IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found',
        checkedAt: '2026-12-07T12:00:00Z',
      },
      {
        name: 'corp',
        phase: 'Ready',
        issuer: 'https://login.example.com',
        clientId: 'portal',
      },
    );
    await render();
    expect(await screen.findByText('Sign-in: broken')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'IdentityProvider corp is broken: IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found.',
    );
    expect(
      screen.getByText('The other sign-in methods keep working meanwhile.'),
    ).toBeInTheDocument();
    expect(calls).toEqual([
      'http://backend.test/api/auth/identity-provider/status',
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Check again' }));
    expect(await screen.findByText('Sign-in: configured')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent(
      'IdentityProvider corp is configured: users sign in through https://login.example.com.',
    );
    expect(screen.getByText('portal')).toBeInTheDocument();
  });

  it('shows an unreachable issuer as broken', async () => {
    answers({
      name: 'corp',
      phase: 'Failed',
      reason:
        'https://login.example.com/.well-known/openid-configuration: connect ECONNREFUSED 127.0.0.1:1',
      issuer: 'https://login.example.com',
      clientId: 'portal',
    });
    await render();
    expect(await screen.findByText('Sign-in: broken')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('ECONNREFUSED');
  });

  it('says when the status cannot be read', async () => {
    jest
      .spyOn(global, 'fetch')
      .mockResolvedValue(
        new Response('nope', { status: 502, statusText: 'Bad Gateway' }),
      );
    await render();
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The status cannot be read: http://backend.test/api/auth/identity-provider/status answered 502 Bad Gateway',
    );
  });
});
