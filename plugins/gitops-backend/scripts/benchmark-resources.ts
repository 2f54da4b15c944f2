/*
 * GET /resources on a large repository, and the GitHub API calls of a listing: the figures of
 * the "one reader of a commit" work (README, "Benchmarks").
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-gitops-backend run benchmark:resources
 *
 * Prints: a 10,000-file local repository — first GET /resources page and the full listing (every
 * page), then the same again at the unchanged head; and for a 1,000-resource repository on the
 * fake GitHub server, the API calls of a first listing and of a repeated one.
 */
import { performance } from 'perf_hooks';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  createLocalRepository,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import {
  githubProviderOn,
  startFakeGithub,
} from '@butler-portal/plugin-gitops-backend-module-github/testUtils';
import { SnapshotReader, type ChangeRepository } from '@butler-portal/plugin-gitops-node';
import { ResourceReader } from '../src/resources/ResourceReader';

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

function files(count: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < count; i++) out[`workspaces/team-a/ws-${i}.yaml`] = workspace(`ws-${i}`);
  return out;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, performance.now() - start];
}

async function listAll(reader: ResourceReader) {
  let cursor: string | undefined;
  let count = 0;
  do {
    const page = await reader.list({ kind: 'Workspace', limit: 1000, cursor });
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

async function local(size: number) {
  const { dir } = await createLocalRepository(files(size), { prefix: 'butler-bench-resources-' });
  const repository: ChangeRepository = {
    id: 'platform',
    provider: new LocalGitProvider({ repository: 'platform', dir }),
    kinds: ['Workspace'],
  };
  const reader = new ResourceReader(() => [repository]);
  const [, firstPage] = await timed(() => reader.list({ kind: 'Workspace' }));
  const [, repeatedPage] = await timed(() => reader.list({ kind: 'Workspace' }));
  const [count, all] = await timed(() => listAll(reader));
  console.log(
    `GET /resources, ${size} files (local): first page ${firstPage.toFixed(0)} ms (reads and validates every file once), repeated page ${repeatedPage.toFixed(1)} ms, all ${count} rows in pages of 1,000 ${all.toFixed(0)} ms`,
  );
}

async function github(size: number) {
  const server = await startFakeGithub([]);
  try {
    server.seed(files(size));
    const reader = new SnapshotReader({ provider: githubProviderOn(server) });
    const before = server.requests.length;
    await reader.head();
    const first = server.requests.length - before;
    await reader.head();
    const repeated = server.requests.length - before - first;
    console.log(
      `GitHub API calls for a listing of ${size} resources: first ${first} (tree + one per blob), repeated at the unchanged commit ${repeated}`,
    );
  } finally {
    await server.stop();
  }
}

async function main() {
  await local(10_000);
  await github(1000);
  await github(100);
  await removeTempDirs();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
