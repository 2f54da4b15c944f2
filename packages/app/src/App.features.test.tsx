/*
 * The app with every feature it gets in the browser: what App.tsx names plus what
 * `app.packages: all` discovers from package.json. Conflicts between plugins (two providers of
 * one API, two extensions with one id) only show once they are all loaded together, and API
 * extensions outside sign-in are only resolved after it, so the test signs in and expects the
 * first page, not "App startup failed".
 */
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import App from './App';
import {
  discoverablePackages,
  installDiscoveredFeatures,
} from './__testUtils__/discoveredFeatures';

jest.setTimeout(30_000);

const STARTUP_FAILED = 'App startup failed';

describe('App with the discovered plugins', () => {
  it('discovers the catalog and the portal plugins from package.json', () => {
    const names = discoverablePackages().map(p => p.import);
    expect(names).toEqual(
      expect.arrayContaining([
        '@backstage/plugin-catalog/alpha',
        '@butler-portal/plugin-butler',
        '@butler-portal/plugin-gitops',
        '@butler-portal/plugin-pipeline',
        '@butler-portal/plugin-registry',
        '@butler-portal/plugin-workspaces',
      ]),
    );
  });

  it('starts without an app error: sign-in, then the home page with every plugin in the sidebar', async () => {
    const modules = await installDiscoveredFeatures();
    // each discovered package gives createApp a feature (its main or its alpha entry point);
    // one that gave none would be left out silently and tested by nothing here
    const isFeature = (m: { default: unknown }) =>
      Boolean((m.default as { $$type?: string } | undefined)?.$$type);
    const names = [...new Set(modules.map(m => m.name))];
    expect(
      names.filter(n => !modules.some(m => m.name === n && isFeature(m))),
    ).toEqual([]);
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Butler Portal', packages: 'all' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    // no auth backend here: the guest provider asks before falling back to its local identity
    jest.spyOn(window, 'confirm').mockReturnValue(true);

    render(App.createRoot());

    await waitFor(() => {
      expect(screen.getByText('Guest')).toBeInTheDocument();
    });
    expect(document.body.textContent).not.toContain(STARTUP_FAILED);
    fireEvent.click(screen.getByRole('button', { name: 'Enter' }));

    // the error page replaces the app once it is finalized; printing the body names the error
    await waitFor(() => {
      expect(document.body.textContent).toMatch(
        new RegExp(`${STARTUP_FAILED}|Workspaces`),
      );
    });
    expect(document.body.textContent).not.toContain(STARTUP_FAILED);
    expect(
      await screen.findByRole('link', { name: 'Workspaces' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Changes' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Pipelines' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Registry' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Clusters' })).toBeInTheDocument();
    // `/` is the home page (plugins/butler), each card with its own empty or error state
    expect(await screen.findByText("My teams' clusters")).toBeInTheDocument();
    expect(window.location.pathname).toBe('/');
  });
});
