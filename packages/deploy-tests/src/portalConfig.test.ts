import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Config } from '@backstage/config';
import { findManifest, renderChart } from './helm';
import {
  EMBEDDED_FILES,
  PRODUCTION_FILES,
  loadPortalConfig,
} from './portalConfig';

/** what the Deployment (or the Docker user) provides; values are placeholders */
const PRODUCTION_ENV = {
  PORTAL_BASE_URL: 'https://portal.acme.dev',
  BACKEND_SECRET: 'test-backend-secret',
  AUTH_SESSION_SECRET: 'test-session-secret',
  POSTGRES_HOST: 'db',
  POSTGRES_PORT: '5432',
  POSTGRES_USER: 'portal',
  POSTGRES_PASSWORD: 'test-password',
  OIDC_METADATA_URL: 'https://idp.acme.dev/.well-known/openid-configuration',
  OIDC_CLIENT_ID: 'portal',
  OIDC_CLIENT_SECRET: 'test-oidc-secret',
  REGISTRY_SIGNING_SECRET: 'test-registry-signing-secret-0123456789',
};

const configs: Array<{ close(): void }> = [];
async function load(
  files: string[],
  env: Record<string, string> = {},
): Promise<Config> {
  const config = await loadPortalConfig(files, env);
  configs.push(config);
  return config;
}
afterAll(() => configs.forEach(c => c.close()));

/** everything that makes a portal the embedded one; none of it may reach production */
function embeddedOnly(config: Config) {
  const repositories =
    config.getOptionalConfigArray('gitops.repositories') ?? [];
  return {
    guest: config.has('auth.providers.guest'),
    guestOffered: (
      config.getOptionalStringArray('butlerPortal.signIn.providers') ?? []
    ).includes('guest'),
    sqlite:
      config.getOptionalString('backend.database.client') === 'better-sqlite3',
    localRepositories: repositories
      .filter(r => r.getOptionalString('provider') === 'local')
      .map(r => r.getString('id')),
    directoryTargets: repositories.flatMap(r =>
      (r.getOptionalConfigArray('sync.targets') ?? [])
        .filter(t => t.getString('type') === 'directory')
        .map(() => r.getString('id')),
    ),
    guestUserLocation: (
      config.getOptionalConfigArray('catalog.locations') ?? []
    ).some(l => l.getString('target').endsWith('examples/org.yaml')),
    // Keeper lets anyone read on the embedded portal only, as it lets anyone in as the guest
    anonymousRegistryRead:
      config.getOptionalBoolean('registry.allowAnonymousRead') === true,
  };
}

const NONE = {
  guest: false,
  guestOffered: false,
  sqlite: false,
  localRepositories: [],
  directoryTargets: [],
  guestUserLocation: false,
  anonymousRegistryRead: false,
};

describe('app-config layers', () => {
  it('production (app-config.yaml + app-config.production.yaml) has no guest, SQLite, local repository or directory target', async () => {
    const config = await load(PRODUCTION_FILES, PRODUCTION_ENV);
    expect(embeddedOnly(config)).toEqual(NONE);
    expect(config.getString('auth.environment')).toBe('production');
    expect(config.getStringArray('butlerPortal.signIn.providers')).toEqual([
      'oidc',
    ]);
    expect(
      Object.keys(config.getConfig('auth.providers').get() as object),
    ).toEqual(['oidc']);
    expect(config.getString('backend.database.client')).toBe('pg');
    // every replica verifies the others' signed download URLs
    expect(config.getString('registry.signingSecret')).toBe(
      'test-registry-signing-secret-0123456789',
    );
    expect(
      config.getConfigArray('backend.auth.keys')[0].getString('secret'),
    ).toBe('test-backend-secret');
    expect(config.getString('app.baseUrl')).toBe('https://portal.acme.dev');
    expect(config.getString('backend.baseUrl')).toBe('https://portal.acme.dev');
  });

  it('production writes only under /tmp, which the image has and the chart mounts writable', async () => {
    // a workingDirectory that does not exist stops the scaffolder at start-up
    const config = await load(PRODUCTION_FILES, PRODUCTION_ENV);
    const pod = findManifest(renderChart().manifests, 'Deployment').spec
      .template.spec;
    const writable = pod.containers[0].volumeMounts
      .filter((m: { readOnly?: boolean }) => !m.readOnly)
      .map((m: { mountPath: string }) => m.mountPath);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(writable).toEqual(['/tmp']);
    expect(config.getString('backend.workingDirectory')).toBe('/tmp');
    expect(config.getString('butlerPortal.dataDir').startsWith('/tmp/')).toBe(
      true,
    );
  });

  it('the shared app-config.yaml alone lets nobody in and holds no store', async () => {
    const config = await load(['app-config.yaml']);
    expect(embeddedOnly(config)).toEqual(NONE);
    expect(config.has('auth.providers')).toBe(false);
    expect(config.has('backend.database')).toBe(false);
  });

  it('production with the chart rendered over it still has no guest', async () => {
    const { manifests } = renderChart({
      values: {
        gitops: {
          repositories: [
            {
              id: 'workspaces',
              provider: 'github',
              host: 'github.com',
              owner: 'acme',
              repo: 'workspaces',
              webhookSecret: '${GITHUB_WEBHOOK_SECRET}',
            },
          ],
        },
      },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-config-'));
    try {
      const chartConfig = path.join(dir, 'app-config.chart.yaml');
      fs.writeFileSync(
        chartConfig,
        findManifest(manifests, 'ConfigMap').data['app-config.chart.yaml'],
      );
      const config = await load([...PRODUCTION_FILES, chartConfig], {
        ...PRODUCTION_ENV,
        GITHUB_WEBHOOK_SECRET: 'test-webhook',
      });
      expect(embeddedOnly(config)).toEqual(NONE);
      expect(
        config
          .getConfigArray('gitops.repositories')
          .map(r => r.getString('id')),
      ).toEqual(['workspaces']);
      expect(
        config
          .getConfigArray('gitops.repositories')[0]
          .getString('webhookSecret'),
      ).toBe('test-webhook');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the embedded defaults (what npm start loads) keep guest, SQLite, the local repository and its directory target', async () => {
    const config = await load(EMBEDDED_FILES);
    const embedded = embeddedOnly(config);
    expect(embedded).toMatchObject({
      guest: true,
      guestOffered: true,
      sqlite: true,
      guestUserLocation: true,
      anonymousRegistryRead: true,
    });
    expect(embedded.localRepositories).toContain('platform');
    expect(embedded.directoryTargets).toContain('platform');
    expect(config.getString('auth.providers.guest.userEntityRef')).toBe(
      'user:default/guest',
    );
    expect(config.getString('app.baseUrl')).toBe('http://localhost:3000');
    expect(config.getNumber('backend.listen.port')).toBe(7007);
  });
});
