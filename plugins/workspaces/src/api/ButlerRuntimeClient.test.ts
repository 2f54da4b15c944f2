/**
 * @jest-environment node
 */
import { ButlerRuntimeClient } from './ButlerRuntimeClient';

const BASE = 'http://backend.test/api/butler';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

function setup(...responses: (Response | Error)[]) {
  const fetch = jest.fn<Promise<Response>, [string, RequestInit?]>();
  for (const r of responses) {
    if (r instanceof Error) fetch.mockRejectedValueOnce(r);
    else fetch.mockResolvedValueOnce(r);
  }
  const client = new ButlerRuntimeClient({
    discoveryApi: { getBaseUrl: async id => `http://backend.test/api/${id}` },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('ButlerRuntimeClient', () => {
  it('is available when the cluster is configured and reachable', async () => {
    const status = { configured: true, reachable: true };
    const { client, fetch } = setup(json(200, status));
    await expect(client.getAvailability()).resolves.toEqual({
      available: true,
      status,
    });
    expect(fetch.mock.calls[0][0]).toBe(`${BASE}/status`);
  });

  it('reports a portal without the butler backend as unavailable, not as an error', async () => {
    const { client } = setup(json(404, { error: { message: 'Not found' } }));
    await expect(client.getAvailability()).resolves.toEqual({
      available: false,
      reason:
        'Live status and start/stop are unavailable: this portal runs no butler backend.',
    });
  });

  it.each([
    [
      { configured: false, reachable: false },
      'no management cluster is configured',
    ],
    [
      { configured: true, reachable: false, reason: 'connection refused' },
      'connection refused',
    ],
    // the butler backend's own words, parentheses and all, are not wrapped in more of them
    [
      {
        configured: false,
        reachable: false,
        reason:
          'no management cluster is configured (butler.managementCluster)',
      },
      'no management cluster is configured (butler.managementCluster)',
    ],
  ])('gives the reason for %j', async (status, why) => {
    const { client } = setup(json(200, status));
    await expect(client.getAvailability()).resolves.toEqual({
      available: false,
      reason: `Live status and start/stop are unavailable: ${why}.`,
    });
  });

  it('reports an unreachable backend as unavailable', async () => {
    const { client } = setup(new TypeError('Failed to fetch'));
    await expect(client.getAvailability()).resolves.toMatchObject({
      available: false,
      reason: expect.stringContaining('Failed to fetch'),
    });
  });

  it('encodes names in paths and posts start/stop', async () => {
    const live = {
      namespace: 'team-a',
      name: 'x',
      exists: true,
      conditions: [],
    };
    const { client, fetch } = setup(
      json(200, { items: [live] }),
      json(200, live),
      json(202, { namespace: 'team-a', name: 'x', desiredState: 'running' }),
      json(202, { namespace: 'team-a', name: 'x', desiredState: 'stopped' }),
    );
    await expect(
      client.listWorkspaces({ namespace: 'team-a' }),
    ).resolves.toEqual([live]);
    await client.getWorkspace({ namespace: 'team-a', name: '../x?y' });
    await client.start({ namespace: 'team-a', name: 'x' });
    await client.stop({ namespace: 'team-a', name: 'x' });
    expect(
      fetch.mock.calls.map(([url, init]) => [init?.method ?? 'GET', url]),
    ).toEqual([
      ['GET', `${BASE}/workspaces?namespace=team-a`],
      ['GET', `${BASE}/workspaces/team-a/..%2Fx%3Fy`],
      ['POST', `${BASE}/workspaces/team-a/x/start`],
      ['POST', `${BASE}/workspaces/team-a/x/stop`],
    ]);
  });

  it('throws the server reason when an operation fails', async () => {
    const { client } = setup(
      json(403, {
        error: { name: 'NotAllowedError', message: 'not allowed to operate' },
        response: { statusCode: 403 },
      }),
    );
    await expect(client.start({ namespace: 'a', name: 'b' })).rejects.toThrow(
      'not allowed to operate',
    );
  });
});
