/*
 * GET /resources pages: every row exactly once across pages, later pages read at the commits
 * of the first (a merge in between does not shift them), and bad paging input is a 400.
 */
import request from 'supertest';
import { auth, startPortal } from '../__testUtils__/startTestPortal';

jest.setTimeout(60_000);

describe('GET /resources', () => {
  it('pages through every resource once, at the commits of the first page', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const whole = await api.get('/api/gitops/resources').set(auth).expect(200);
    const all = whole.body.items.map((r: { path: string }) => r.path);
    expect(all.length).toBeGreaterThan(2);
    expect(whole.body.nextCursor).toBeUndefined();

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api
        .get('/api/gitops/resources')
        .query({ limit: 2, ...(cursor && { cursor }) })
        .set(auth)
        .expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((r: { path: string }) => r.path));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 2));
  });

  it('refuses a limit out of range and a forged cursor with a 400 naming the field', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const zero = await api.get('/api/gitops/resources?limit=0').set(auth).expect(400);
    expect(zero.body.issues[0]).toMatchObject({ path: '/limit' });
    await api.get('/api/gitops/resources?limit=1001').set(auth).expect(400);
    const forged = Buffer.from(JSON.stringify({ revisions: { platform: '../x' }, offset: 0 })).toString('base64url');
    const bad = await api.get(`/api/gitops/resources?cursor=${forged}`).set(auth).expect(400);
    expect(bad.body.error.message).toContain('cursor: not a cursor of this listing');
  });

  it('filters by owner on the server, whatever the case', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const all = (await api.get('/api/gitops/resources?kind=workspaces').set(auth).expect(200)).body.items;
    const owner = String(all[0].object.spec.owner);
    const mine = (
      await api.get('/api/gitops/resources').query({ kind: 'workspaces', owner: owner.toUpperCase() }).set(auth).expect(200)
    ).body.items;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((r: any) => String(r.object.spec.owner).toLowerCase() === owner.toLowerCase())).toBe(true);
    const nobody = await api.get('/api/gitops/resources?kind=workspaces&owner=nobody@example.com').set(auth).expect(200);
    expect(nobody.body.items).toEqual([]);
  });
});
