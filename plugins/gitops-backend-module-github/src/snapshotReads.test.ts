/*
 * The commit snapshot over GitHub: a listing is one tree call plus the blobs not read before,
 * so a listing at an unchanged commit costs a constant number of API calls, not one per file.
 */
import { SnapshotReader } from '@butler-portal/plugin-gitops-node';
import { githubProviderOn, startFakeGithub } from './__testUtils__/fakeGithub';

const workspace = (name: string) => `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
spec:
  clusterRef:
    name: dev-cluster
  owner: alice@example.com
  image: ghcr.io/butlerdotdev/workspace-go:1.23
`;

async function callsOfListings(size: number) {
  const server = await startFakeGithub([]);
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < size; i++) files[`workspaces/team-a/ws-${i}.yaml`] = workspace(`ws-${i}`);
    server.seed(files);
    const reader = new SnapshotReader({ provider: githubProviderOn(server) });
    const first = await reader.head();
    expect(first.ofKind('Workspace')).toHaveLength(size);
    const afterFirst = server.requests.length;
    const again = await reader.head();
    expect(again.commit).toBe(first.commit);
    return { first: afterFirst, repeated: server.requests.length - afterFirst };
  } finally {
    await server.stop();
  }
}

jest.setTimeout(60_000);

describe('the commit snapshot on GitHub', () => {
  it('lists an unchanged commit with a constant number of API calls, whatever its size', async () => {
    const small = await callsOfListings(10);
    const large = await callsOfListings(200);
    // a repeated listing asks for the head commit only
    expect(small.repeated).toBe(large.repeated);
    expect(large.repeated).toBeLessThanOrEqual(2);
    // the first listing reads each blob once, plus a few calls for head and tree
    expect(large.first).toBeGreaterThanOrEqual(200);
    expect(large.first - 200).toBeLessThanOrEqual(small.first - 10 + 2);
  });
});
