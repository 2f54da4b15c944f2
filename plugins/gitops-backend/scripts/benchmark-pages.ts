/*
 * The pages' requests at scale: a local repository of 5,000 Workspaces (50 owners) with 500
 * merged and 50 open change requests. Prints the first-page latency of what each page asks for,
 * cold (a fresh provider and services on the same repository, as after a backend start) and warm:
 *
 *   - the Changes page's tabs: GET /changes?state=merged and ?state=open (first page of 50, as
 *     the page asks)
 *   - GET /resources?kind=Workspace&owner=<email> (first page), and a page without the owner
 *   - the same two tabs as a team member (the read condition judged on every change's paths
 *     before paging)
 *   - My workspaces: its three requests together (mine, open Workspace changes) as the page
 *     sends them in parallel
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-gitops-backend run benchmark:pages [workspaces] [merged] [open]
 *
 * The routes are timed through the services they call (ChangeService.listChangePage,
 * ResourceReader.list), including the JSON encoding of the answer.
 */
import { performance } from 'perf_hooks';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  createLocalRepository,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import {
  ChangeService,
  type ChangeRepository,
} from '@butler-portal/plugin-gitops-node';
import { ResourceReader } from '../src/resources/ResourceReader';

const WORKSPACES = Number(process.argv[2] ?? 5000);
const MERGED = Number(process.argv[3] ?? 500);
const OPEN = Number(process.argv[4] ?? 50);
const OWNERS = 50;

const owner = (i: number) => `owner-${i % OWNERS}@example.com`;

const workspace = (i: number, image = 'ghcr.io/butlerdotdev/workspace-go:1.23') => ({
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: { name: `ws-${i}`, namespace: `team-${i % 20}` },
  spec: {
    clusterRef: { name: 'dev-cluster' },
    owner: owner(i),
    image,
  },
});

const person = (login: string) => ({
  userRef: `user:default/${login}`,
  name: login,
  email: `${login}@example.com`,
});

async function timed(fn: () => Promise<unknown>): Promise<string> {
  const start = performance.now();
  // the route answers with JSON: its encoding is part of the cost
  JSON.stringify(await fn());
  return `${(performance.now() - start).toFixed(0)} ms`;
}

function services(dir: string) {
  const provider = new LocalGitProvider({ repository: 'platform', dir, requiredApprovals: 0 });
  const repository: ChangeRepository = { id: 'platform', provider, kinds: ['Workspace'] };
  return {
    changes: new ChangeService({ repositories: [repository] }),
    resources: new ResourceReader(() => [repository]),
  };
}

async function main() {
  let start = performance.now();
  const files: Record<string, string> = {};
  for (let i = 0; i < WORKSPACES; i++) {
    const w = workspace(i);
    files[`workspaces/${w.metadata.namespace}/${w.metadata.name}.yaml`] = JSON.stringify(w);
  }
  const { dir } = await createLocalRepository(files, { prefix: 'butler-bench-pages-' });
  const setup = services(dir);
  const submit = (i: number, image: string, by: number) =>
    setup.changes.submit(
      {
        operation: 'update',
        kind: 'workspaces',
        namespace: workspace(i).metadata.namespace,
        name: `ws-${i}`,
        resource: workspace(i, image),
      },
      { actor: person(`user${by % 20}`) },
    );
  for (let m = 0; m < MERGED; m++) {
    const change = await submit((m * 7) % WORKSPACES, `ghcr.io/butlerdotdev/workspace-go:2.${m}`, m);
    await setup.changes.merge(change.id, person('reviewer'));
  }
  for (let o = 0; o < OPEN; o++) {
    await submit((o * 13 + 1) % WORKSPACES, `ghcr.io/butlerdotdev/workspace-go:3.${o}`, o);
  }
  console.log(
    `repository of ${WORKSPACES} Workspaces, ${MERGED} merged and ${OPEN} open change requests built in ${(
      (performance.now() - start) /
      1000
    ).toFixed(1)} s`,
  );

  const me = owner(7);
  const measure = async (label: string, s: ReturnType<typeof services>) => {
    // the Changes page asks for 50 rows a page (ChangeList)
    const merged = await timed(() => s.changes.listChangePage({ state: 'merged', limit: 50 }));
    const open = await timed(() => s.changes.listChangePage({ state: 'open', limit: 50 }));
    const mine = await timed(() => s.resources.list({ kind: 'Workspace', owner: me }));
    const page = await timed(() => s.resources.list({ kind: 'Workspace', limit: 100 }));
    const myWorkspaces = await timed(() =>
      Promise.all([
        s.resources.list({ kind: 'Workspace', owner: me }),
        s.changes.listChangePage({ state: 'open', kind: 'Workspace' }),
      ]),
    );
    // a team member's tabs: only changes whose every file is in their team's namespace are
    // listed (the read condition is judged on each change's paths before paging)
    const teamMember = {
      visible: ({ paths }: { paths: string[] }) =>
        paths.every(p => p.startsWith('workspaces/team-3/')),
    };
    const mergedMember = await timed(() =>
      s.changes.listChangePage({ state: 'merged', limit: 50 }, teamMember),
    );
    const openMember = await timed(() =>
      s.changes.listChangePage({ state: 'open', limit: 50 }, teamMember),
    );
    console.log(
      `${label}: GET /changes?state=merged first page ${merged} (as a team member ${mergedMember}); ` +
        `?state=open ${open} (as a team member ${openMember}); ` +
        `GET /resources?kind=Workspace&owner=… ${mine}; ?kind=Workspace&limit=100 ${page}; ` +
        `My workspaces (mine + open Workspace changes, in parallel) ${myWorkspaces}`,
    );
  };
  // cold: nothing of this process's caches (as after a backend start)
  const cold = services(dir);
  await measure('cold', cold);
  await measure('warm', cold);

  // one more merge: the pages at a new head
  start = performance.now();
  const change = await submit(3, 'ghcr.io/butlerdotdev/workspace-go:4.0', 3);
  await cold.changes.merge(change.id, person('reviewer'));
  await measure('after one more merge', cold);
  await removeTempDirs();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
