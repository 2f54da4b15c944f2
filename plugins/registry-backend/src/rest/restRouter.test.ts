/*
 * The REST API of the Registry pages: artifacts with versions and states, one artifact with its
 * content (README, Terraform inputs/outputs from HCL, chart values, policy packages) and usage,
 * registry tokens (secret shown once, listed without it, revoked), permissions on every route.
 */
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startRegistry, userAuth } from '../__testUtils__/startRegistry';
import { mockCredentials } from '@backstage/backend-test-utils';

jest.setTimeout(60_000);

let registry: Awaited<ReturnType<typeof startRegistry>>;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(() => registry.cleanup());

const get = (path: string, headers: Record<string, string> = userAuth) =>
  fetch(`${registry.baseUrl}${path}`, { headers });

describe('registry REST API', () => {
  it('lists the three examples with their versions and state', async () => {
    const res = await get('/artifacts');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.revision).toMatch(/^platform@[0-9a-f]{40}$/);
    expect(
      body.items.map((a: any) => [
        a.name,
        a.type,
        a.latest,
        a.versions.map((v: any) => v.state),
      ]),
    ).toEqual([
      ['opa-baseline', 'opa-bundle', '1.0.0', ['merged']],
      ['terraform-aws-vpc', 'terraform-module', '1.4.0', ['merged']],
      ['web-app', 'helm-chart', '0.1.0', ['merged']],
    ]);
  });

  it('shows a module with README, inputs and outputs parsed from HCL, and usage', async () => {
    const body = await (
      await get('/artifacts/team-a/terraform-aws-vpc')
    ).json();
    expect(body.content.readme).toMatch(/^# AWS VPC/);
    expect(body.content.terraform.inputs).toEqual([
      {
        name: 'azs',
        type: 'list(string)',
        description: 'Availability zones to spread the subnets over.',
        default: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        required: false,
      },
      {
        name: 'cidr',
        type: 'string',
        description: 'CIDR block of the VPC.',
        default: '10.0.0.0/16',
        required: false,
      },
      {
        name: 'enable_nat_gateway',
        type: 'bool',
        description:
          'One NAT gateway per availability zone for the private subnets.',
        default: false,
        required: false,
      },
      {
        name: 'name',
        type: 'string',
        description: 'Name prefix of every resource.',
        required: true,
      },
    ]);
    expect(body.content.terraform.outputs.map((o: any) => o.name)).toEqual([
      'private_subnet_ids',
      'public_subnet_ids',
      'vpc_id',
    ]);
    expect(body.usage[0].code).toBe(
      `module "vpc" {\n  source  = "localhost:${registry.port}/team-a/vpc/aws"\n  version = "1.4.0"\n}`,
    );
  });

  it('shows a chart with its values and a policy with its packages', async () => {
    const chart = await (await get('/artifacts/team-a/web-app')).json();
    expect(chart.content.helm.chart).toMatchObject({
      name: 'web-app',
      version: '0.1.0',
    });
    expect(chart.content.helm.values).toContain('replicaCount: 2');
    const policy = await (
      await get('/artifacts/team-a/opa-baseline?version=1.0.0')
    ).json();
    expect(policy.content.opa.packages).toEqual(['keeper.baseline']);
  });

  it('shows versions of open change requests as open, and attaches a pending yank to its version', async () => {
    const record = (
      v: string,
      extra = '',
    ) => `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: web-app-${v}
  namespace: team-a
spec:
  artifact: web-app
  version: ${v}
  source:
    git:
      repository: modules
      url: http://localhost:7007/api/gitops/git/modules.git
      ref: main
      commit: ${registry.modules.headOf()}
      subdirectory: charts/web-app
${extra}`;
    const publish = registry.platform.openChange('Publish web-app 0.3.0', {
      'artifact-versions/team-a/web-app-0.3.0.yaml': record('0.3.0'),
    });
    const current = registry.platform.git(
      'show',
      'main:artifact-versions/team-a/web-app-0.1.0.yaml',
    );
    const yank = registry.platform.openChange('Yank web-app 0.1.0', {
      'artifact-versions/team-a/web-app-0.1.0.yaml': `${current}  yanked: renders no probes\n`,
    });
    await registry.merge(registry.platform, {}); // any event: the open changes are read again
    const body = await (await get('/artifacts/team-a/web-app')).json();
    expect(body.artifact.versions).toEqual([
      expect.objectContaining({
        version: '0.3.0',
        state: 'open',
        change: {
          repository: 'platform',
          id: publish.id,
          number: publish.number,
          title: 'Publish web-app 0.3.0',
        },
      }),
      expect.objectContaining({
        version: '0.1.0',
        state: 'merged',
        change: expect.objectContaining({
          id: yank.id,
          title: 'Yank web-app 0.1.0',
        }),
      }),
    ]);
    // clients see merged state only
    const index = await (await get('/helm/team-a/index.yaml')).text();
    expect(index).not.toContain('0.3.0');
  });

  it('resolves a range to the newest merged version, and refuses a malformed range', async () => {
    const ok = await get(
      '/artifacts/team-a/terraform-aws-vpc/resolve?range=%5E1.0.0',
    );
    expect(await ok.json()).toEqual({ range: '^1.0.0', version: '1.4.0' });
    const none = await get(
      '/artifacts/team-a/terraform-aws-vpc/resolve?range=%3E%3D2',
    );
    expect(none.status).toBe(404);
    expect((await none.json()).error.message).toBe(
      'no merged version of team-a/terraform-aws-vpc is in ">=2"',
    );
    const bad = await get(
      '/artifacts/team-a/terraform-aws-vpc/resolve?range=%5E%5E1..x',
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe(
      'range: version range "^^1..x" is not a valid range (e.g. "^1.2.0", ">=1.2.0 <2.0.0", "~1.4")',
    );
    expect(
      (await get('/artifacts/team-a/terraform-aws-vpc/resolve')).status,
    ).toBe(400);
  });

  it('names merged record files it cannot use, and leaves them out', async () => {
    await registry.merge(registry.platform, {
      'artifact-versions/team-a/ghost-1.0.0.yaml': `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: ghost-1.0.0
  namespace: team-a
spec:
  artifact: ghost
  version: 1.0.0
  source:
    git:
      url: https://example.com/ghost.git
      ref: v1.0.0
`,
      'artifact-versions/team-a/web-app-9.9.9.yaml': 'kind: ArtifactVersion\n',
    });
    const body = await (await get('/artifacts')).json();
    expect(body.problems).toEqual([
      expect.objectContaining({
        repository: 'platform',
        file: 'artifact-versions/team-a/web-app-9.9.9.yaml',
        message: expect.stringContaining('apiVersion'),
      }),
      {
        repository: 'platform',
        file: 'artifact-versions/team-a/ghost-1.0.0.yaml',
        message: 'version 1.0.0 of unknown artifact team-a/ghost',
      },
    ]);
    expect(body.items.map((a: any) => a.name)).not.toContain('ghost');
    await registry.merge(registry.platform, {
      'artifact-versions/team-a/ghost-1.0.0.yaml': null,
      'artifact-versions/team-a/web-app-9.9.9.yaml': null,
    });
  });

  it('refuses bad versions and unknown artifacts clearly', async () => {
    const vee = await get('/artifacts/team-a/web-app?version=v0.1.0');
    expect(vee.status).toBe(400);
    expect((await vee.json()).error.message).toMatch(/starts with "v"/);
    const none = await get('/artifacts/team-a/web-app?version=9.9.9');
    expect(none.status).toBe(404);
    expect((await get('/artifacts/team-a/nothing')).status).toBe(404);
    expect((await get('/artifacts', {})).status).toBe(401);
  });

  it('creates a token shown once, lists it without the secret, and revokes it', async () => {
    const created = await fetch(`${registry.baseUrl}/tokens`, {
      method: 'POST',
      headers: { ...userAuth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'ci', namespaces: ['team-a', 'team-a'] }),
    });
    expect(created.status).toBe(201);
    const token = await created.json();
    expect(token.token).toMatch(/^krt_[\w-]{43}$/);
    expect(token.namespaces).toEqual(['team-a']);
    const list = await (await get('/tokens')).json();
    expect(list.items).toEqual([
      expect.objectContaining({
        id: token.id,
        name: 'ci',
        owner: 'user:default/guest',
      }),
    ]);
    expect(JSON.stringify(list)).not.toContain(token.token);

    // someone else sees it only when they may revoke it: here the policy allows everything (as
    // for a platform admin); by team in tokenPermissions.test.ts. Never the secret.
    const other = {
      Authorization: mockCredentials.user.header('user:default/other'),
    };
    const othersView = await (await get('/tokens', other)).json();
    expect(othersView.items.map((t: { id: string }) => t.id)).toEqual([
      token.id,
    ]);
    expect(JSON.stringify(othersView)).not.toContain(token.token);

    const bearer = { Authorization: `Bearer ${token.token}` };
    expect((await get('/helm/team-a/index.yaml', bearer)).status).toBe(200);
    expect(
      (
        await fetch(`${registry.baseUrl}/tokens/${token.id}`, {
          method: 'DELETE',
          headers: userAuth,
        })
      ).status,
    ).toBe(204);
    expect((await get('/helm/team-a/index.yaml', bearer)).status).toBe(401);
    expect((await (await get('/tokens')).json()).items[0].revokedAt).toMatch(
      /^\d{4}-/,
    );
  });

  it('refuses token input that is not a name and namespaces', async () => {
    for (const body of [
      { name: '', namespaces: ['team-a'] },
      { name: 'x', namespaces: [] },
      { name: 'x', namespaces: ['../etc'] },
    ]) {
      const res = await fetch(`${registry.baseUrl}/tokens`, {
        method: 'POST',
        headers: { ...userAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
    }
  });
});

describe('resolving a source ref (what publishing pins)', () => {
  const resolve = (source: string, ref: string) =>
    get(
      `/sources/resolve?source=${encodeURIComponent(
        source,
      )}&ref=${encodeURIComponent(ref)}`,
    );

  it('answers the commit of a branch or tag, by repository id or git URL', async () => {
    const main = registry.modules.headOf('main');
    const res = await resolve('modules', 'main');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      source: 'modules',
      repository: 'modules',
      ref: 'main',
      commit: main,
    });
    registry.modules.git('tag', '-a', '-m', 'release', 'v9.0.0', main);
    const byUrl = await resolve(
      'http://localhost:7007/api/gitops/git/modules.git',
      'v9.0.0',
    );
    expect((await byUrl.json()).commit).toBe(main);
    expect((await (await resolve('modules', main)).json()).commit).toBe(main);
  });

  it.each([
    ['a ref climbing out', 'modules', '../../config', 400, /ref: /],
    ['a full ref name', 'modules', 'refs/heads/main', 400, /short branch/],
    ['an option-like ref', 'modules', '--upload-pack=x', 400, /short branch/],
    ['a source climbing out', '../../etc/passwd', 'main', 400, /source: .*\.\./],
    ['an unknown repository', 'elsewhere', 'main', 404, /not one of the portal's repositories/],
    ['an outside URL', 'https://git.example.com/x/other.git', 'main', 404, /full commit SHA/],
    ['a missing ref', 'modules', 'no-such-tag', 404, /no branch or tag/],
    ['an unknown commit', 'modules', 'f'.repeat(40), 404, /./],
  ])('refuses %s', async (_what, source, ref, status, message) => {
    const res = await resolve(source, ref);
    expect(res.status).toBe(status);
    expect((await res.json()).error.message).toMatch(message);
  });

  it('refuses a missing or repeated parameter', async () => {
    expect((await get('/sources/resolve?source=modules')).status).toBe(400);
    expect(
      (await get('/sources/resolve?source=modules&ref=a&ref=b')).status,
    ).toBe(400);
  });
});

describe('registry REST API without permission', () => {
  it('refuses every route with 403', async () => {
    const denied = await startRegistry({ permission: AuthorizeResult.DENY });
    try {
      for (const path of [
        '/artifacts',
        '/artifacts/team-a/web-app',
        '/tokens',
        '/sources/resolve?source=modules&ref=main',
      ]) {
        const res = await fetch(`${denied.baseUrl}${path}`, {
          headers: userAuth,
        });
        expect(res.status).toBe(403);
      }
      const create = await fetch(`${denied.baseUrl}/tokens`, {
        method: 'POST',
        headers: { ...userAuth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: 'x', namespaces: ['team-a'] }),
      });
      expect(create.status).toBe(403);
      // a Backstage token without registry.artifact.read cannot read through the protocols
      const helm = await fetch(`${denied.baseUrl}/helm/team-a/index.yaml`, {
        headers: userAuth,
      });
      expect(helm.status).toBe(403);
    } finally {
      denied.cleanup();
    }
  });
});
