import { render, waitFor } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('renders the sign-in page offering guest on the embedded defaults', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Butler Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    await waitFor(() => {
      expect(rendered.getByText('Guest')).toBeInTheDocument();
    });
    expect(rendered.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
  });
});

describe('App sign-in with an IdentityProvider', () => {
  afterEach(() => jest.restoreAllMocks());

  it("adds the cluster's IdentityProvider to the sign-in page when the backend reports it Ready", async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Butler Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    const asked: string[] = [];
    jest.spyOn(global, 'fetch').mockImplementation(async url => {
      asked.push(String(url));
      if (String(url).endsWith('/api/auth/identity-provider/status')) {
        return new Response(
          JSON.stringify({
            name: 'corp',
            phase: 'Ready',
            issuer: 'https://login.example.com',
            clientId: 'portal',
          }),
          { status: 200, headers: { 'Content-Type': 'application/json' } },
        );
      }
      return new Response('{}', { status: 401 });
    });

    const rendered = render(App.createRoot());

    await waitFor(() => {
      expect(rendered.getByText('Sign in with corp')).toBeInTheDocument();
    });
    // the other sign-in methods are still offered
    expect(rendered.getByText('Guest')).toBeInTheDocument();
    expect(asked).toContain(
      'http://localhost:7007/api/auth/identity-provider/status',
    );
  });
});

describe('App sign-in: a session with the IdentityProvider that cannot be restored', () => {
  const KEY = '@backstage/core:SignInPage:provider';
  const config = () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Butler Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
  };
  const answer = (status: object, refreshStatus = 401) => {
    const asked: string[] = [];
    jest.spyOn(global, 'fetch').mockImplementation(async url => {
      asked.push(String(url));
      if (String(url).endsWith('/api/auth/identity-provider/status')) {
        return new Response(JSON.stringify(status), {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
        });
      }
      return new Response(
        JSON.stringify({
          error: { name: 'AuthenticationError', message: 'Refresh failed' },
        }),
        { status: refreshStatus },
      );
    });
    return asked;
  };

  afterEach(() => {
    jest.restoreAllMocks();
    localStorage.clear();
  });

  it('says the session ended when the provider no longer renews it, once, and offers sign-in again', async () => {
    config();
    localStorage.setItem(KEY, 'butler-auth-provider');
    const asked = answer({
      name: 'corp',
      phase: 'Ready',
      issuer: 'https://login.example.com',
      clientId: 'portal',
    });

    const rendered = render(App.createRoot());

    const alert = await waitFor(() => rendered.getByRole('alert'));
    expect(alert.textContent).toBe(
      'Your session with corp has ended: the identity provider did not renew it (it was revoked or has expired). Sign in again.',
    );
    expect(rendered.getByText('Sign in with corp')).toBeInTheDocument();
    // the renewal was asked of the backend with the session cookie
    expect(
      asked.some(u =>
        u.startsWith('http://localhost:7007/api/auth/butler/refresh'),
      ),
    ).toBe(true);
    // forgotten: the next page load shows the sign-in page without the message
    expect(localStorage.getItem(KEY)).toBeNull();
  });

  it('says why when the IdentityProvider is broken or gone', async () => {
    config();
    localStorage.setItem(KEY, 'butler-auth-provider');
    answer({
      name: 'corp',
      phase: 'Failed',
      reason:
        'IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found',
    });

    const rendered = render(App.createRoot());

    const alert = await waitFor(() => rendered.getByRole('alert'));
    expect(alert.textContent).toBe(
      'You were signed out: sign-in with corp is unavailable (IdentityProvider corp: spec.oidc.clientSecretRef Secret butler-system/oidc-client not found). Sign in another way, or again once it is back.',
    );
    expect(rendered.getByText('Guest')).toBeInTheDocument();
  });
});
