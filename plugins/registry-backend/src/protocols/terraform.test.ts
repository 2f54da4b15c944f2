/*
 * The Terraform / OpenTofu module registry protocol, from the shapes both projects document:
 * discovery, versions (merged, non-yanked, canonical SemVer), download (204 + X-Terraform-Get,
 * and OpenTofu's 200 + {"location"}), the archive by HEAD and GET without a token through the
 * signed URL, and immutability when a tag moves or the content under a digest pin changes.
 */
import { readTarGz } from '../archive/readTarGz';
import { sha256Digest } from '../archive/deterministicTarGz';
import { rawGet } from '../__testUtils__/rawGet';
import { startRegistry, userAuth } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

let registry: Awaited<ReturnType<typeof startRegistry>>;
let auth: { Authorization: string };

beforeAll(async () => {
  registry = await startRegistry();
  const created = await fetch(`${registry.baseUrl}/tokens`, {
    method: 'POST',
    headers: { ...userAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'terraform', namespaces: ['team-a'] }),
  });
  auth = { Authorization: `Bearer ${(await created.json()).token}` };
});

afterAll(() => registry.cleanup());

const record = (
  version: string,
  git: string,
  extra = '',
) => `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: terraform-aws-vpc-${version}
  namespace: team-a
spec:
  artifact: terraform-aws-vpc
  version: ${version}
  source:
    git:
      repository: modules
      url: http://localhost:7007/api/gitops/git/modules.git
      subdirectory: terraform/aws-vpc
${git}${extra}`;

const modulesUrl = () =>
  `${registry.baseUrl}/terraform/v1/modules/team-a/vpc/aws`;

async function download(version: string) {
  const res = await fetch(`${modulesUrl()}/${version}/download`, {
    headers: auth,
  });
  expect(res.status).toBe(204);
  return res.headers.get('x-terraform-get')!;
}

describe('Terraform / OpenTofu module registry protocol', () => {
  it('announces modules.v1 by service discovery, without credentials', async () => {
    const res = await fetch(`${registry.baseUrl}/.well-known/terraform.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      'modules.v1': `${registry.baseUrl}/terraform/v1/modules/`,
    });
  });

  it('lists merged versions newest first, leaving out yanked and unpinned ones', async () => {
    const commit = registry.modules.headOf();
    await registry.merge(registry.platform, {
      'artifact-versions/team-a/terraform-aws-vpc-1.5.0.yaml': record(
        '1.5.0',
        `      ref: v1.5.0\n      commit: ${commit}\n`,
      ),
      'artifact-versions/team-a/terraform-aws-vpc-1.3.0.yaml': record(
        '1.3.0',
        `      ref: v1.3.0\n      commit: ${commit}\n`,
        '  deprecated: use 1.4.0 or later\n',
      ),
      'artifact-versions/team-a/terraform-aws-vpc-1.2.0.yaml': record(
        '1.2.0',
        `      ref: v1.2.0\n      commit: ${commit}\n`,
        '  yanked: leaks the NAT gateway\n',
      ),
      'artifact-versions/team-a/terraform-aws-vpc-1.1.0.yaml': record(
        '1.1.0',
        '      ref: v1.1.0\n',
      ),
    });
    const res = await fetch(`${modulesUrl()}/versions`, { headers: auth });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      modules: [
        {
          versions: [
            { version: '1.5.0' },
            { version: '1.4.0' },
            { version: '1.3.0' },
          ],
        },
      ],
    });
  });

  it('answers download with 204 + X-Terraform-Get, or 200 + {"location"} for JSON clients', async () => {
    const location = await download('1.5.0');
    expect(location).toMatch(
      new RegExp(
        `^${registry.baseUrl}/terraform/archive/team-a/terraform-aws-vpc/1\\.5\\.0\\.tar\\.gz\\?expires=\\d+&signature=[\\w-]+$`,
      ),
    );
    const json = await fetch(`${modulesUrl()}/1.5.0/download`, {
      headers: { ...auth, Accept: 'application/json' },
    });
    expect(json.status).toBe(200);
    expect((await json.json()).location).toMatch(
      /\/terraform\/archive\/team-a\/terraform-aws-vpc\/1\.5\.0\.tar\.gz\?/,
    );
  });

  it('serves the archive by HEAD and GET without a token: the files of the pinned commit, same bytes every time', async () => {
    const location = await download('1.5.0');
    const head = await fetch(location, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('application/gzip');
    const first = Buffer.from(await (await fetch(location)).arrayBuffer());
    const again = Buffer.from(
      await (await fetch(await download('1.5.0'))).arrayBuffer(),
    );
    expect(again.equals(first)).toBe(true);
    expect(Number(head.headers.get('content-length'))).toBe(first.length);
    expect(head.headers.get('etag')).toBe(`"${sha256Digest(first)}"`);
    const files = await readTarGz(first);
    expect(files.map(f => f.path)).toEqual([
      'README.md',
      'main.tf',
      'outputs.tf',
      'variables.tf',
      'versions.tf',
    ]);
    expect(files.find(f => f.path === 'main.tf')!.content.toString()).toBe(
      `${registry.modules.git('show', 'main:terraform/aws-vpc/main.tf')}\n`,
    );
  });

  it('keeps serving exactly the pinned commit when the tag moves and main changes', async () => {
    const before = Buffer.from(
      await (await fetch(await download('1.5.0'))).arrayBuffer(),
    );
    registry.modules.git('tag', 'v1.5.0');
    await registry.merge(registry.modules, {
      'terraform/aws-vpc/main.tf': 'resource "null_resource" "moved" {}\n',
    });
    registry.modules.git('tag', '-f', 'v1.5.0', 'main');
    const after = Buffer.from(
      await (await fetch(await download('1.5.0'))).arrayBuffer(),
    );
    expect(after.equals(before)).toBe(true);

    // 1.4.0 (the example) pins the seeded commit as well as its digest: main moving changes nothing
    const example = await fetch(`${modulesUrl()}/1.4.0/download`, {
      headers: auth,
    });
    expect(example.status).toBe(204);

    // a version pinning only the digest follows its ref: changed content is an error
    const digest = `sha256:${'7e3e7323610eb09f585bcb86bc26eb5c798fc906ec24e8f05ead373f8c4f027a'}`;
    await registry.merge(registry.platform, {
      'artifact-versions/team-a/terraform-aws-vpc-1.4.1.yaml': record(
        '1.4.1',
        `      ref: main\n      digest: ${digest}\n`,
      ),
    });
    const res = await fetch(`${modulesUrl()}/1.4.1/download`, {
      headers: auth,
    });
    expect(res.status).toBe(502);
    expect((await res.json()).errors[0]).toMatch(
      /^the content of modules@[0-9a-f]{40}:terraform\/aws-vpc has digest sha256:[0-9a-f]{64}, but the version pins sha256:7e3e7323/,
    );
  });

  it('refuses forged and altered signed URLs with 403 and a reason', async () => {
    const location = new URL(await download('1.5.0'));
    const forged = new URL(location);
    forged.searchParams.set('signature', 'A'.repeat(43));
    const res = await fetch(forged);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      errors: [
        'the signature of this download URL does not match: the URL was altered or not issued by this registry',
      ],
    });
    const other = new URL(
      location.href.replace('1.5.0.tar.gz', '1.4.0.tar.gz'),
    );
    expect((await fetch(other)).status).toBe(403);
    const unsigned = await fetch(location.href.split('?')[0]);
    expect(unsigned.status).toBe(403);
    expect((await unsigned.json()).errors[0]).toMatch(/needs a signed URL/);
  });

  it('answers unknown modules and versions with 404 in the protocol shape, bad input with 400', async () => {
    const unknown = await fetch(
      `${registry.baseUrl}/terraform/v1/modules/team-a/nothing/aws/versions`,
      { headers: auth },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      errors: ['module team-a/nothing/aws not found'],
    });
    const yanked = await fetch(`${modulesUrl()}/1.2.0/download`, {
      headers: auth,
    });
    expect(yanked.status).toBe(404);
    expect(await yanked.json()).toEqual({
      errors: [
        'version 1.2.0 of team-a/terraform-aws-vpc not found (yanked: leaks the NAT gateway)',
      ],
    });
    const vee = await fetch(`${modulesUrl()}/v1.5.0/download`, {
      headers: auth,
    });
    expect(vee.status).toBe(400);
    expect((await vee.json()).errors[0]).toBe(
      'version "v1.5.0" starts with "v": Keeper versions are canonical SemVer, e.g. "1.5.0"',
    );
    // sent as is (fetch would resolve the dots before sending)
    const climb = await rawGet(
      registry.port,
      '/api/registry/terraform/v1/modules/%2e%2e/vpc/aws/versions',
      auth,
    );
    expect(climb.status).toBe(400);
    expect(JSON.parse(climb.body).errors[0]).toMatch(
      /^namespace "\.\." is not a valid name/,
    );
  });

  it('needs a token unless anonymous read is on', async () => {
    const res = await fetch(`${modulesUrl()}/versions`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="Keeper"');
    const backstage = await fetch(`${modulesUrl()}/versions`, {
      headers: userAuth,
    });
    expect(backstage.status).toBe(200);

    const open = await startRegistry({
      registry: { allowAnonymousRead: true },
    });
    try {
      const anonymous = await fetch(
        `${open.baseUrl}/terraform/v1/modules/team-a/vpc/aws/versions`,
      );
      expect(anonymous.status).toBe(200);
      expect(await anonymous.json()).toEqual({
        modules: [{ versions: [{ version: '1.4.0' }] }],
      });
    } finally {
      open.cleanup();
    }
  });
});
