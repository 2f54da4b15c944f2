import { parse } from 'yaml';
import {
  findManifest,
  lintChart,
  renderChart,
  templateChart,
  type Manifest,
} from './helm';

/** secret values handed to the chart as values: they must reach only the chart's own Secret */
const SECRETS = {
  'postgresql.password': 'pg-Pa55-d0e5-not-leak',
  'backend.backendSecret': 'backend-key-7f3c9a1e-not-leak',
  'backend.sessionSecret': 'session-key-0b4d2e8f-not-leak',
  'backend.registrySigningSecret': 'registry-signing-key-5e6f7a8b9c0d-not-leak',
  'oidc.clientSecret': 'oidc-client-9a8b7c-not-leak',
};

/** every secret from values instead of existing Secrets */
const SECRETS_AS_VALUES = {
  'postgresql.existingSecret': '',
  'postgresql.host': 'db.butler.svc',
  'postgresql.user': 'portal',
  'backend.existingSecret': '',
  'oidc.existingSecret': '',
  ...SECRETS,
};

function container(deployment: Manifest) {
  const containers = deployment.spec.template.spec.containers;
  expect(containers).toHaveLength(1);
  return containers[0];
}

function envVar(deployment: Manifest, name: string) {
  const found = container(deployment).env.find(
    (e: { name: string }) => e.name === name,
  );
  if (!found) throw new Error(`the Deployment sets no ${name}`);
  return found;
}

function chartAppConfig(manifests: Manifest[]) {
  return parse(
    findManifest(manifests, 'ConfigMap').data['app-config.chart.yaml'],
  );
}

describe('charts/butler-portal', () => {
  it('passes helm lint --strict as shipped and with every option on', () => {
    const shipped = lintChart();
    expect(shipped.stderr).toBe('');
    expect(shipped.code).toBe(0);

    const full = lintChart({
      set: {
        ...SECRETS_AS_VALUES,
        'ingress.enabled': 'true',
        'ingress.className': 'nginx',
      },
    });
    expect(full.stdout).toContain('0 chart(s) failed');
    expect(full.code).toBe(0);
  });

  it('renders a Deployment of 2 replicas with readiness and liveness on the health endpoints', () => {
    const { manifests } = renderChart();
    const deployment = findManifest(manifests, 'Deployment');
    expect(deployment.spec.replicas).toBe(2);
    const c = container(deployment);
    expect(c.ports).toEqual([
      { name: 'http', containerPort: 7007, protocol: 'TCP' },
    ]);
    expect(c.readinessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/readiness',
      port: 'http',
    });
    expect(c.livenessProbe.httpGet).toEqual({
      path: '/.backstage/health/v1/liveness',
      port: 'http',
    });
    // the Service and the PodDisruptionBudget select these pods
    const labels = deployment.spec.template.metadata.labels;
    expect(findManifest(manifests, 'Service').spec.selector).toEqual(labels);
    expect(
      findManifest(manifests, 'PodDisruptionBudget').spec.selector.matchLabels,
    ).toEqual(labels);
  });

  it('runs the built backend on the production config, never the embedded one', () => {
    const c = container(findManifest(renderChart().manifests, 'Deployment'));
    expect(c.command).toEqual(['node', 'packages/backend']);
    expect(c.args).toEqual([
      '--config',
      'app-config.yaml',
      '--config',
      'app-config.production.yaml',
      '--config',
      '/etc/butler-portal/config/app-config.chart.yaml',
    ]);
  });

  it('reads PostgreSQL and the backend secrets from the existing Secrets (secretKeyRef)', () => {
    const deployment = findManifest(
      renderChart({
        set: {
          'postgresql.existingSecret': 'portal-db-app',
          'backend.existingSecret': 'portal-keys',
          'oidc.existingSecret': 'portal-oidc',
        },
      }).manifests,
      'Deployment',
    );
    const ref = (name: string) =>
      envVar(deployment, name).valueFrom?.secretKeyRef;
    // the default keys are CloudNativePG's <cluster>-app Secret's
    expect(ref('POSTGRES_HOST')).toEqual({
      name: 'portal-db-app',
      key: 'host',
    });
    expect(ref('POSTGRES_PORT')).toEqual({
      name: 'portal-db-app',
      key: 'port',
    });
    expect(ref('POSTGRES_USER')).toEqual({
      name: 'portal-db-app',
      key: 'username',
    });
    expect(ref('POSTGRES_PASSWORD')).toEqual({
      name: 'portal-db-app',
      key: 'password',
    });
    expect(ref('BACKEND_SECRET')).toEqual({
      name: 'portal-keys',
      key: 'backend-secret',
    });
    expect(ref('AUTH_SESSION_SECRET')).toEqual({
      name: 'portal-keys',
      key: 'session-secret',
    });
    expect(ref('REGISTRY_SIGNING_SECRET')).toEqual({
      name: 'portal-keys',
      key: 'registry-signing-secret',
    });
    expect(ref('OIDC_CLIENT_SECRET')).toEqual({
      name: 'portal-oidc',
      key: 'client-secret',
    });
  });

  it('keeps secret values given with --set out of plain text: only base64 in its own Secret', () => {
    const { text, manifests } = renderChart({ set: SECRETS_AS_VALUES });
    for (const value of Object.values(SECRETS)) {
      expect(text).not.toContain(value);
    }
    for (const m of manifests.filter(x => x.kind !== 'Secret')) {
      const rendered = JSON.stringify(m);
      for (const value of Object.values(SECRETS)) {
        expect(rendered).not.toContain(value);
        expect(rendered).not.toContain(Buffer.from(value).toString('base64'));
      }
    }
    const secret = findManifest(manifests, 'Secret');
    expect(secret.stringData).toBeUndefined();
    const decoded = Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [
        k,
        Buffer.from(v, 'base64').toString('utf8'),
      ]),
    );
    expect(decoded).toEqual({
      'postgres-password': SECRETS['postgresql.password'],
      'backend-secret': SECRETS['backend.backendSecret'],
      'session-secret': SECRETS['backend.sessionSecret'],
      'registry-signing-secret': SECRETS['backend.registrySigningSecret'],
      'oidc-client-secret': SECRETS['oidc.clientSecret'],
    });
    const deployment = findManifest(manifests, 'Deployment');
    const own = secret.metadata.name;
    expect(
      envVar(deployment, 'POSTGRES_PASSWORD').valueFrom.secretKeyRef,
    ).toEqual({ name: own, key: 'postgres-password' });
    expect(envVar(deployment, 'BACKEND_SECRET').valueFrom.secretKeyRef).toEqual(
      { name: own, key: 'backend-secret' },
    );
    expect(
      envVar(deployment, 'AUTH_SESSION_SECRET').valueFrom.secretKeyRef,
    ).toEqual({ name: own, key: 'session-secret' });
    expect(
      envVar(deployment, 'OIDC_CLIENT_SECRET').valueFrom.secretKeyRef,
    ).toEqual({ name: own, key: 'oidc-client-secret' });
    expect(
      envVar(deployment, 'REGISTRY_SIGNING_SECRET').valueFrom.secretKeyRef,
    ).toEqual({ name: own, key: 'registry-signing-secret' });
    // the connection's non-secret parts are plain settings
    expect(envVar(deployment, 'POSTGRES_HOST')).toEqual({
      name: 'POSTGRES_HOST',
      value: 'db.butler.svc',
    });
  });

  it('renders no Secret when every secret comes from an existing one', () => {
    expect(renderChart().manifests.filter(m => m.kind === 'Secret')).toEqual(
      [],
    );
  });

  it('renders the GitOps and Butler values into the app-config ConfigMap, secrets as ${NAME} only', () => {
    const gitops = {
      repositories: [
        {
          id: 'workspaces',
          provider: 'github',
          host: 'github.com',
          owner: 'acme',
          repo: 'butler-workspaces',
          kinds: ['Workspace', 'WorkspaceTemplate', 'TenantAddon'],
          webhookSecret: '${GITHUB_WEBHOOK_SECRET}',
        },
      ],
    };
    const butler = { managementCluster: { inCluster: true } };
    const integrations = {
      gitlab: [{ host: 'gitlab.acme.dev', token: '${GITLAB_TOKEN}' }],
    };
    const { manifests } = renderChart({
      values: {
        gitops,
        butler,
        integrations,
        extraSecretEnv: [
          {
            name: 'GITHUB_WEBHOOK_SECRET',
            secretName: 'portal-webhooks',
            key: 'github',
          },
          { name: 'GITLAB_TOKEN', secretName: 'portal-gitlab', key: 'token' },
        ],
      },
    });
    expect(chartAppConfig(manifests)).toEqual({ gitops, butler, integrations });
    const deployment = findManifest(manifests, 'Deployment');
    expect(
      envVar(deployment, 'GITHUB_WEBHOOK_SECRET').valueFrom.secretKeyRef,
    ).toEqual({ name: 'portal-webhooks', key: 'github' });
    expect(envVar(deployment, 'GITLAB_TOKEN').valueFrom.secretKeyRef).toEqual({
      name: 'portal-gitlab',
      key: 'token',
    });
    // the config is mounted where the third --config points
    const mount = container(deployment).volumeMounts.find(
      (m: { name: string }) => m.name === 'app-config',
    );
    expect(mount).toEqual({
      name: 'app-config',
      mountPath: '/etc/butler-portal/config',
      readOnly: true,
    });
  });

  it('rolls the pods when the rendered config changes', () => {
    const checksum = (values: object) =>
      findManifest(renderChart({ values }).manifests, 'Deployment').spec
        .template.metadata.annotations['checksum/config'];
    const before = checksum({});
    expect(checksum({})).toBe(before);
    expect(
      checksum({ butler: { managementCluster: { inCluster: true } } }),
    ).not.toBe(before);
  });

  it('refuses a literal secret in the config values, naming the key and not the value', () => {
    const literal = 'hunter2-literal-webhook-secret';
    const res = templateChart({
      values: {
        gitops: {
          repositories: [
            { id: 'w', provider: 'github', webhookSecret: literal },
          ],
        },
      },
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      'gitops.repositories[0].webhookSecret holds a literal secret',
    );
    expect(res.stderr).not.toContain(literal);

    const token = templateChart({
      values: {
        integrations: {
          gitlab: [{ host: 'gitlab.com', token: 'glpat-literal' }],
        },
      },
    });
    expect(token.stderr).toContain(
      'integrations.gitlab[0].token holds a literal secret',
    );
  });

  it('refuses a guest sign-in provider slipped in through appConfig', () => {
    const res = templateChart({
      values: { appConfig: { auth: { providers: { guest: {} } } } },
    });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain(
      'appConfig.auth.providers.guest: there is no guest sign-in in production',
    );
  });

  it('fails to render, naming the value, when a required setting or secret source is missing', () => {
    expect(templateChart({ set: { baseUrl: '' } }).stderr).toContain(
      'baseUrl is required',
    );
    expect(templateChart({ set: { 'oidc.clientId': '' } }).stderr).toContain(
      'oidc.clientId is required',
    );
    expect(
      templateChart({ set: { 'backend.existingSecret': '' } }).stderr,
    ).toContain(
      'BACKEND_SECRET: set backend.existingSecret or backend.backendSecret',
    );
    expect(
      templateChart({
        set: {
          'postgresql.existingSecret': '',
          'postgresql.host': 'db',
          'postgresql.user': 'u',
        },
      }).stderr,
    ).toContain(
      'POSTGRES_PASSWORD: set postgresql.existingSecret or postgresql.password',
    );
  });

  it('runs as non-root on a read-only root filesystem, with writable /tmp and resource bounds', () => {
    const deployment = findManifest(renderChart().manifests, 'Deployment');
    const pod = deployment.spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      runAsUser: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const c = container(deployment);
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(pod.volumes).toContainEqual({
      name: 'tmp',
      emptyDir: { sizeLimit: '1Gi' },
    });
    expect(c.resources.requests).toEqual({ cpu: '250m', memory: '512Mi' });
    expect(c.resources.limits.memory).toBe('1536Mi');
    expect(pod.automountServiceAccountToken).toBe(false);
  });

  it('adds an ingress for the base URL host only when enabled', () => {
    expect(renderChart().manifests.some(m => m.kind === 'Ingress')).toBe(false);
    const ingress = findManifest(
      renderChart({
        set: { 'ingress.enabled': 'true', baseUrl: 'https://portal.acme.dev/' },
      }).manifests,
      'Ingress',
    );
    expect(ingress.spec.rules).toEqual([
      {
        host: 'portal.acme.dev',
        http: {
          paths: [
            {
              path: '/',
              pathType: 'Prefix',
              backend: {
                service: {
                  name: 'portal-butler-portal',
                  port: { name: 'http' },
                },
              },
            },
          ],
        },
      },
    ]);
  });
});
