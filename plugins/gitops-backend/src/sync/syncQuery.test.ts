/*
 * GET /sync asks the permission policy, narrows by repository, kind and namespace, and pages
 * each target's resources.
 */
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockDirectory } from '@backstage/backend-test-utils';
import path from 'path';
import request from 'supertest';
import { auth, startPortal } from '../__testUtils__/startTestPortal';

jest.setTimeout(60_000);

async function syncedPortal(permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY) {
  const manifests = createMockDirectory();
  const started = await startPortal({
    permission,
    sync: {
      targets: [{ type: 'directory', root: path.join(manifests.path, 'platform') }],
      pollInterval: { minutes: 30 },
    },
  });
  const api = request(started.server);
  await api.post('/api/gitops/sync/platform').set(auth);
  return api;
}

describe('GET /sync', () => {
  it('needs the read permission', async () => {
    const api = await syncedPortal(AuthorizeResult.DENY);
    const res = await api.get('/api/gitops/sync').set(auth).expect(403);
    expect(res.body.error.message).toContain('not allowed gitops.resource.read');
  });

  it('filters by repository, kind and namespace, and pages the resources', async () => {
    const api = await syncedPortal();
    let all: { resourceCount: number; resources: Array<{ kind: string; namespace: string; name: string }> } | undefined;
    for (let i = 0; i < 100 && !(all?.resourceCount ?? 0); i++) {
      await new Promise(r => setTimeout(r, 100));
      all = (await api.get('/api/gitops/sync').set(auth).expect(200)).body.items[0];
    }
    expect(all!.resourceCount).toBeGreaterThan(1);
    expect(all!.resources).toHaveLength(all!.resourceCount);

    const workspaces = (await api.get('/api/gitops/sync?kind=workspaces').set(auth).expect(200)).body.items[0];
    expect(workspaces.resources.length).toBeGreaterThan(0);
    expect(workspaces.resources.every((r: { kind: string }) => r.kind === 'Workspace')).toBe(true);
    const none = (await api.get('/api/gitops/sync?namespace=nobody-here').set(auth).expect(200)).body.items[0];
    expect(none).toMatchObject({ resourceCount: 0, resources: [] });
    expect((await api.get('/api/gitops/sync?repository=other').set(auth).expect(200)).body.items).toEqual([]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api
        .get('/api/gitops/sync')
        .query({ limit: 1, ...(cursor && { cursor }) })
        .set(auth)
        .expect(200);
      expect(page.body.items[0].resources.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items[0].resources.map((r: { name: string }) => r.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all!.resources.map(r => r.name));

    await api.get('/api/gitops/sync?limit=0').set(auth).expect(400);
    await api.get('/api/gitops/sync?kind=nonsense').set(auth).expect(400);
  });
});
