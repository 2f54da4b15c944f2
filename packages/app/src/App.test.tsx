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
