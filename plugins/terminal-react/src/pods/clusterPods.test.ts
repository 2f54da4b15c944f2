import { listClusterPods } from './clusterPods';

function apis(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      }),
  );
  return {
    fetch,
    discoveryApi: {
      getBaseUrl: async () => 'https://portal.example.com/api/terminal',
    },
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  };
}

describe('listClusterPods', () => {
  it("asks the terminal backend for the cluster's pods, with the limit", async () => {
    const listed = {
      cluster: 'team-a/dev',
      writable: false,
      pods: [
        {
          namespace: 'apps',
          name: 'web-0',
          phase: 'Running',
          containers: ['app', 'sidecar'],
          defaultContainer: 'app',
        },
      ],
      truncated: false,
      limit: 50,
    };
    const a = apis(200, listed);
    await expect(
      listClusterPods({ ...a, namespace: 'team-a', name: 'dev', limit: 50 }),
    ).resolves.toEqual(listed);
    expect(a.fetch).toHaveBeenCalledWith(
      'https://portal.example.com/api/terminal/clusters/team-a/dev/pods?limit=50',
    );
  });

  it("throws the server's reason", async () => {
    const a = apis(503, {
      error: {
        name: 'ServiceUnavailableError',
        message:
          'TenantCluster team-a/dev: status.kubeconfigSecretRef is not set yet',
      },
      response: { statusCode: 503 },
    });
    await expect(
      listClusterPods({ ...a, namespace: 'team-a', name: 'dev' }),
    ).rejects.toThrow(
      'TenantCluster team-a/dev: status.kubeconfigSecretRef is not set yet',
    );
  });
});
