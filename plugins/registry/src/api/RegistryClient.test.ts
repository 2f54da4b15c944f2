import { RegistryClient } from './RegistryClient';

function client(answer: Response) {
  const fetch = jest.fn().mockResolvedValue(answer);
  const registry = new RegistryClient({
    discoveryApi: {
      getBaseUrl: async () => 'http://localhost:7007/api/registry',
    },
    fetchApi: { fetch },
  });
  return { registry, fetch };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });

describe('RegistryClient', () => {
  it('keeps a hostile name one encoded path segment', async () => {
    const { registry, fetch } = client(json({}));
    await registry.getArtifact({
      namespace: 'team-a',
      name: '../tokens',
      version: '1.0.0&x=1',
    });
    expect(fetch).toHaveBeenCalledWith(
      'http://localhost:7007/api/registry/artifacts/team-a/..%2Ftokens?version=1.0.0%26x%3D1',
      undefined,
    );
  });

  it('resolves a range with the range encoded', async () => {
    const { registry, fetch } = client(
      json({ range: '^1.4.0', version: '1.5.0' }),
    );
    await expect(
      registry.resolveRange({
        namespace: 'team-a',
        name: 'vpc',
        range: '^1.4.0 || 2.x',
      }),
    ).resolves.toEqual({ range: '^1.4.0', version: '1.5.0' });
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/registry/artifacts/team-a/vpc/resolve?range=%5E1.4.0%20%7C%7C%202.x',
    );
  });

  it('resolves a source ref with both parameters encoded', async () => {
    const answer = {
      source: 'http://h/api/gitops/git/modules.git',
      repository: 'modules',
      ref: 'release/1.x',
      commit: 'a'.repeat(40),
    };
    const { registry, fetch } = client(json(answer));
    await expect(
      registry.resolveSourceRef({ source: answer.source, ref: answer.ref }),
    ).resolves.toEqual(answer);
    expect(fetch.mock.calls[0][0]).toBe(
      'http://localhost:7007/api/registry/sources/resolve?source=http%3A%2F%2Fh%2Fapi%2Fgitops%2Fgit%2Fmodules.git&ref=release%2F1.x',
    );
  });

  it('creates a token with a JSON body and revokes one by id', async () => {
    const { registry, fetch } = client(json({ id: 't1', token: 'krt_x' }, 201));
    await registry.createToken({ name: 'ci', namespaces: ['team-a'] });
    expect(fetch.mock.calls[0][1]).toEqual({
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'ci', namespaces: ['team-a'] }),
    });
    fetch.mockResolvedValueOnce(new Response(null, { status: 204 }));
    await expect(registry.revokeToken('t/1')).resolves.toBeUndefined();
    expect(fetch.mock.calls[1][0]).toBe(
      'http://localhost:7007/api/registry/tokens/t%2F1',
    );
  });

  it("rejects with the server's reason", async () => {
    const { registry } = client(
      json(
        {
          error: { name: 'NotAllowedError', message: 'not allowed to read' },
          response: { statusCode: 403 },
        },
        403,
      ),
    );
    await expect(registry.listArtifacts()).rejects.toThrow(
      /not allowed to read/,
    );
  });
});
