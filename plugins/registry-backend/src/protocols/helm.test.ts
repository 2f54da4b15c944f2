/*
 * The Helm chart repository against the real helm client: repo add (Basic auth with a registry
 * token), update, search, pull (digest checked against index.yaml), template of the pulled
 * chart; an unmerged version is not found until it is merged.
 */
import crypto from 'crypto';
import fs from 'fs';
import http from 'http';
import type { AddressInfo } from 'net';
import path from 'path';
import YAML from 'yaml';
import { helmHome } from '../__testUtils__/helm';
import { startRegistry, userAuth } from '../__testUtils__/startRegistry';
import {
  deterministicTarGz,
  sha256Digest,
} from '../archive/deterministicTarGz';

jest.setTimeout(120_000);

let registry: Awaited<ReturnType<typeof startRegistry>>;
let token: string;

beforeAll(async () => {
  registry = await startRegistry();
  const created = await fetch(`${registry.baseUrl}/tokens`, {
    method: 'POST',
    headers: { ...userAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'helm test', namespaces: ['team-a'] }),
  });
  if (created.status !== 201) {
    throw new Error(`creating a token answered ${created.status}`);
  }
  token = (await created.json()).token;
});

afterAll(() => registry.cleanup());

const version020 = (
  commit: string,
) => `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: web-app-0.2.0
  namespace: team-a
spec:
  artifact: web-app
  version: 0.2.0
  source:
    git:
      repository: modules
      url: http://localhost:7007/api/gitops/git/modules.git
      ref: web-app-0.2.0
      commit: ${commit}
      subdirectory: charts/web-app
`;

describe('helm chart repository', () => {
  it('serves the merged chart to repo add, update, search, pull and template', async () => {
    const { home, helm } = helmHome();
    const url = `${registry.baseUrl}/helm/team-a`;

    const add = await helm(
      'repo',
      'add',
      'keeper',
      url,
      '--username',
      'ci',
      '--password',
      token,
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);

    const search = await helm('search', 'repo', 'keeper/', '--versions');
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(
      /keeper\/web-app\s+0\.1\.0\s+1\.27\.0\s+A stateless web application/,
    );

    const pull = await helm(
      'pull',
      'keeper/web-app',
      '--version',
      '0.1.0',
      '-d',
      home,
    );
    expect(pull.stderr).toBe('');
    const tgz = fs.readFileSync(path.join(home, 'web-app-0.1.0.tgz'));

    // the digest helm's index announces is the sha256 of the bytes helm received
    const index = YAML.parse(
      await (
        await fetch(`${url}/index.yaml`, {
          headers: { Authorization: `Bearer ${token}` },
        })
      ).text(),
    );
    const [entry] = index.entries['web-app'];
    expect(entry.digest).toBe(
      crypto.createHash('sha256').update(tgz).digest('hex'),
    );
    expect(entry.urls).toEqual(['charts/web-app-0.1.0.tgz']);
    expect(entry.annotations['keeper.butlerlabs.dev/record']).toBe(
      'platform:artifact-versions/team-a/web-app-0.1.0.yaml',
    );

    const rendered = await helm(
      'template',
      'shop',
      path.join(home, 'web-app-0.1.0.tgz'),
    );
    expect(rendered.stderr).toBe('');
    expect(rendered.stdout).toContain('kind: Deployment');
    expect(rendered.stdout).toContain('name: shop-web-app');
    expect(rendered.stdout).toContain('image: "nginx:1.27.0"');
  });

  it('does not know a version until its file is merged', async () => {
    const { home, helm } = helmHome();
    await helm(
      'repo',
      'add',
      'keeper',
      `${registry.baseUrl}/helm/team-a`,
      '--username',
      'ci',
      '--password',
      token,
    );

    // the chart's new version is in the modules repository, its record on a review branch
    const chart = fs
      .readFileSync(
        path.join(registry.modules.dir, 'charts/web-app/Chart.yaml'),
        'utf8',
      )
      .replace('version: 0.1.0', 'version: 0.2.0')
      // a number in YAML: the index must still give helm a string
      .replace(/^appVersion: .*$/m, 'appVersion: 2.0');
    const commit = await registry.merge(registry.modules, {
      'charts/web-app/Chart.yaml': chart,
    });
    registry.platform.git('checkout', '-q', '-b', 'review/web-app-0.2.0');
    registry.platform.commit({
      'artifact-versions/team-a/web-app-0.2.0.yaml': version020(commit),
    });
    registry.platform.git('checkout', '-q', 'main');

    await helm('repo', 'update');
    const early = await helm(
      'pull',
      'keeper/web-app',
      '--version',
      '0.2.0',
      '-d',
      home,
    );
    expect(early.code).not.toBe(0);
    expect(early.stderr).toContain(
      'chart "web-app" matching 0.2.0 not found in keeper index',
    );
    const direct = await fetch(
      `${registry.baseUrl}/helm/team-a/charts/web-app-0.2.0.tgz`,
      {
        headers: { Authorization: `Bearer ${token}` },
      },
    );
    expect(direct.status).toBe(404);
    expect(await direct.text()).toBe(
      'chart team-a/web-app has no version 0.2.0\n',
    );

    await registry.merge(registry.platform, {
      'artifact-versions/team-a/web-app-0.2.0.yaml': version020(commit),
    });
    await helm('repo', 'update');
    const pulled = await helm(
      'pull',
      'keeper/web-app',
      '--version',
      '0.2.0',
      '-d',
      home,
    );
    expect(pulled.stderr).toBe('');
    const search = await helm('search', 'repo', 'keeper/web-app');
    expect(search.stdout).toMatch(/keeper\/web-app\s+0\.2\.0\s+2\s/);
  });

  it('answers 401 with a Basic challenge without credentials, and refuses a revoked token', async () => {
    const url = `${registry.baseUrl}/helm/team-a/index.yaml`;
    const anonymous = await fetch(url);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      'Basic realm="Keeper"',
    );

    const created = await (
      await fetch(`${registry.baseUrl}/tokens`, {
        method: 'POST',
        headers: { ...userAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'short-lived', namespaces: ['team-a'] }),
      })
    ).json();
    const basic = `Basic ${Buffer.from(`ci:${created.token}`).toString(
      'base64',
    )}`;
    expect(
      (await fetch(url, { headers: { Authorization: basic } })).status,
    ).toBe(200);
    const revoke = await fetch(`${registry.baseUrl}/tokens/${created.id}`, {
      method: 'DELETE',
      headers: userAuth,
    });
    expect(revoke.status).toBe(204);
    const refused = await fetch(url, { headers: { Authorization: basic } });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toMatch(
      /^the registry token "short-lived" was revoked at \d{4}-/,
    );
  });

  it('checks a chart archive URL against its pinned digest and caches nothing bad', async () => {
    const good = await deterministicTarGz([
      {
        path: 'remote/Chart.yaml',
        content: Buffer.from('apiVersion: v2\nname: remote\nversion: 1.0.0\n'),
      },
    ]);
    let served = Buffer.from('tampered');
    const server = http.createServer((_req, res) => res.end(served));
    await new Promise<void>(resolve => server.listen(0, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      await registry.merge(registry.platform, {
        'artifacts/team-a/remote.yaml': `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: Artifact
metadata:
  name: remote
  namespace: team-a
spec:
  type: helm-chart
  owner: group:default/team-a
`,
        'artifact-versions/team-a/remote-1.0.0.yaml': `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: remote-1.0.0
  namespace: team-a
spec:
  artifact: remote
  version: 1.0.0
  source:
    chart:
      url: http://localhost:${port}/remote-1.0.0.tgz
      digest: ${sha256Digest(good)}
`,
      });
      const url = `${registry.baseUrl}/helm/team-a/charts/remote-1.0.0.tgz`;
      const headers = { Authorization: `Bearer ${token}` };
      const bad = await fetch(url, { headers });
      expect(bad.status).toBe(502);
      expect(await bad.text()).toBe(
        `the archive at http://localhost:${port}/remote-1.0.0.tgz has digest ${sha256Digest(
          served,
        )}, but the version pins ${sha256Digest(good)}; nothing is served\n`,
      );
      served = good;
      const fixed = await fetch(url, { headers });
      expect(fixed.status).toBe(200);
      expect(Buffer.from(await fixed.arrayBuffer()).equals(good)).toBe(true);
    } finally {
      server.close();
    }
  });

  it('refuses a namespace outside the token scope and hostile names', async () => {
    const headers = { Authorization: `Bearer ${token}` };
    const other = await fetch(`${registry.baseUrl}/helm/team-b/index.yaml`, {
      headers,
    });
    expect(other.status).toBe(403);
    expect(await other.text()).toBe(
      'the registry token may read the namespaces team-a, not team-b\n',
    );
    const climb = await fetch(
      `${registry.baseUrl}/helm/team-a/charts/%2e%2e%2fsecret-1.0.0.tgz`,
      { headers },
    );
    expect(climb.status).toBe(400);
    expect(await climb.text()).toMatch(
      /^chart name "\.\.\/secret" is not a valid name/,
    );
    const vee = await fetch(
      `${registry.baseUrl}/helm/team-a/charts/web-app-v0.1.0.tgz`,
      { headers },
    );
    expect(vee.status).toBe(404);
  });
});
