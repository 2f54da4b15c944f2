/*
 * The OPA bundle service: what OPA's bundle plugin downloads (a gzipped tarball with .manifest,
 * .rego and data files), its strong ETag and the 304 OPA's polling relies on, and a new bundle
 * once a new version is merged.
 */
import { readTarGz } from '../archive/readTarGz';
import { startRegistry, userAuth } from '../__testUtils__/startRegistry';

jest.setTimeout(60_000);

let registry: Awaited<ReturnType<typeof startRegistry>>;
let auth: { Authorization: string };

beforeAll(async () => {
  registry = await startRegistry();
  const created = await fetch(`${registry.baseUrl}/tokens`, {
    method: 'POST',
    headers: { ...userAuth, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'opa', namespaces: ['team-a'] }),
  });
  auth = { Authorization: `Bearer ${(await created.json()).token}` };
});

afterAll(() => registry.cleanup());

const bundleUrl = () => `${registry.baseUrl}/opa/bundles/team-a/opa-baseline`;

async function getBundle(headers: Record<string, string> = {}) {
  const res = await fetch(bundleUrl(), { headers: { ...auth, ...headers } });
  return {
    res,
    files:
      res.status === 200
        ? await readTarGz(Buffer.from(await res.arrayBuffer()))
        : [],
  };
}

describe('OPA bundle service', () => {
  it('serves the policy with a manifest naming the merged revision and the roots', async () => {
    const { res, files } = await getBundle();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/gzip');
    expect(files.map(f => f.path)).toEqual([
      '/.manifest',
      '/keeper/baseline/data.json',
      '/keeper/baseline/policy.rego',
    ]);
    expect(JSON.parse(files[0].content.toString())).toEqual({
      revision: registry.platform.headOf(),
      roots: ['keeper/baseline'],
    });
    expect(files[2].content.toString()).toContain('package keeper.baseline');
  });

  it('has a strong ETag and answers 304 to it', async () => {
    const { res } = await getBundle();
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    const again = await fetch(bundleUrl(), {
      headers: { ...auth, 'If-None-Match': etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const stale = await fetch(bundleUrl(), {
      headers: { ...auth, 'If-None-Match': '"other"' },
    });
    expect(stale.status).toBe(200);
  });

  it('serves a new bundle after a new version is merged', async () => {
    const { res } = await getBundle();
    const oldEtag = res.headers.get('etag')!;
    const commit = await registry.merge(registry.modules, {
      'policies/baseline/keeper/baseline/policy.rego': `package keeper.baseline

import rego.v1

deny contains "everything is denied in 1.1.0" if true
`,
    });
    const merged = await registry.merge(registry.platform, {
      'artifact-versions/team-a/opa-baseline-1.1.0.yaml': `apiVersion: keeper.butlerlabs.dev/v1alpha1
kind: ArtifactVersion
metadata:
  name: opa-baseline-1.1.0
  namespace: team-a
spec:
  artifact: opa-baseline
  version: 1.1.0
  source:
    git:
      repository: modules
      url: http://localhost:7007/api/gitops/git/modules.git
      ref: main
      commit: ${commit}
      subdirectory: policies/baseline
`,
    });
    const after = await fetch(bundleUrl(), {
      headers: { ...auth, 'If-None-Match': oldEtag },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(oldEtag);
    const files = await readTarGz(Buffer.from(await after.arrayBuffer()));
    expect(JSON.parse(files[0].content.toString()).revision).toBe(merged);
    expect(files[2].content.toString()).toContain(
      'everything is denied in 1.1.0',
    );
  });

  it('answers an unknown bundle with 404 and a missing token with 401, as JSON', async () => {
    const unknown = await fetch(
      `${registry.baseUrl}/opa/bundles/team-a/nothing`,
      { headers: auth },
    );
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      code: 'bundle_not_found',
      message: 'bundle team-a/nothing not found',
    });
    const anonymous = await fetch(bundleUrl());
    expect(anonymous.status).toBe(401);
    expect((await anonymous.json()).code).toBe('unauthorized');
  });
});
