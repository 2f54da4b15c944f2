/*
 * GET /changes pages, newest first, each change once; paging input is checked.
 */
import request from 'supertest';
import { auth, CREATE, startPortal, WORKSPACE } from '../__testUtils__/startTestPortal';

jest.setTimeout(60_000);

describe('GET /changes', () => {
  it('pages through the changes newest first, each once', async () => {
    const { server } = await startPortal();
    const api = request(server);
    for (const name of ['one', 'two', 'three']) {
      await api
        .post('/api/gitops/changes')
        .set(auth)
        .send({ ...CREATE, name, resource: { ...WORKSPACE, metadata: { ...WORKSPACE.metadata, name } } })
        .expect(201);
    }
    const whole = await api.get('/api/gitops/changes?state=open').set(auth).expect(200);
    expect(whole.body.items).toHaveLength(3);
    expect(whole.body.nextCursor).toBeUndefined();

    const first = await api.get('/api/gitops/changes?state=open&limit=2').set(auth).expect(200);
    expect(first.body.items).toHaveLength(2);
    const second = await api
      .get('/api/gitops/changes')
      .query({ state: 'open', limit: 2, cursor: first.body.nextCursor })
      .set(auth)
      .expect(200);
    expect(second.body.nextCursor).toBeUndefined();
    const paged = [...first.body.items, ...second.body.items].map((c: { id: string }) => c.id);
    expect(paged).toEqual(whole.body.items.map((c: { id: string }) => c.id));
    // newest first
    const times = whole.body.items.map((c: { updatedAt: string }) => c.updatedAt);
    expect([...times].sort().reverse()).toEqual(times);
    // the kind filter works from the changed paths
    const none = await api.get('/api/gitops/changes?state=open&kind=pipelines').set(auth).expect(200);
    expect(none.body.items).toEqual([]);
  });

  it('refuses a bad limit and a forged cursor, naming the field', async () => {
    const { server } = await startPortal();
    const api = request(server);
    const big = await api.get('/api/gitops/changes?limit=501').set(auth).expect(400);
    expect(big.body.issues[0]).toMatchObject({ path: '/limit' });
    const forged = await api.get('/api/gitops/changes?cursor=%7B%7D').set(auth).expect(400);
    expect(forged.body.error.message).toContain('cursor');
  });
});
