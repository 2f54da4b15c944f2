/*
 * Benchmark of the Reconciler (a script that prints numbers, not a test): 5,000 Workspaces in a
 * local repository synced to the kube test API server (counting its requests) and to a
 * DirectoryTarget. Prints the first sync time, a no-op sync's time and API writes (goal: 0) both
 * as a poll (skips at an unchanged commit) and as a full drift check, and the merge-to-applied
 * latency of a one-file change (open + approve + merge, then runOnce), with the sync's share.
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-reconciler-node run benchmark
 *   (COUNT=500 for a quick run; TARGETS=directory for one target; COMPARE_ALL=1 to compare the
 *   whole target on every sync, as before syncs between drift checks read only what changed)
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import { alice, bob } from '@butler-portal/plugin-gitops-node/testUtils';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { createLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { Reconciler } from '../src/reconciler/Reconciler';
import { DatabaseReconcilerStore } from '../src/reconciler/store/DatabaseReconcilerStore';
import { DirectoryTarget } from '../src/targets/directory/DirectoryTarget';
import { KubernetesTarget } from '../src/targets/kubernetes/KubernetesTarget';
import type { SyncTarget } from '../src/targets/types';

const COUNT = Number(process.env.COUNT ?? 5000);
/**
 * COMPARE_ALL=1: every sync compares the whole target (drift interval 0), as the reconciler
 * did before syncs between drift checks read only what changed; for before/after figures
 */
const COMPARE_ALL = process.env.COMPARE_ALL === '1';
/** which targets to run, e.g. TARGETS=directory (default both) */
const TARGETS = (process.env.TARGETS ?? 'kubernetes,directory').split(',');

function workspaceYaml(name: string, image = 'golang:1.23') {
  return `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
spec:
  owner: alice@example.com
  clusterRef:
    name: team-a-dev
  image: ${image}
`;
}

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function repository(root: string) {
  const files: Record<string, string> = {};
  for (let i = 0; i < COUNT; i++) {
    files[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
  }
  const { dir } = await createLocalRepository(files, {
    root,
    initialAuthor: alice,
  });
  return new LocalGitProvider({ repository: 'platform', dir });
}

async function run(
  label: string,
  provider: LocalGitProvider,
  target: SyncTarget,
  writes: () => number,
) {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    const reconciler = new Reconciler({
      provider,
      target,
      store: await DatabaseReconcilerStore.create(knex),
      commitStatusContext: false,
      ...(COMPARE_ALL && { driftCheckIntervalMs: 0 }),
    });
    const [first, firstMs] = await timed(() => reconciler.runOnce());
    const before = writes();
    // a poll at the synced commit (what runs every pollInterval)
    const [idle, idleMs] = await timed(() => reconciler.runOnce());
    const idleWrites = writes() - before;
    // the full comparison at the same commit (what runs every driftInterval)
    const [checked, checkedMs] = await timed(() =>
      reconciler.runOnce({ full: true }),
    );
    const checkedWrites = writes() - before - idleWrites;

    const edited = `ws-${Math.floor(COUNT / 2)}`;
    let syncMs = 0;
    const [applied, latencyMs] = await timed(async () => {
      const change = await provider.openChange({
        branch: `butler/bench/${label}`,
        title: `Edit ${edited}`,
        description: '',
        operations: [
          {
            action: 'update',
            path: `workspaces/team-a/${edited}.yaml`,
            content: workspaceYaml(edited, `golang:${label}`),
          },
        ],
        actor: alice,
      });
      await provider.setCommitStatus(change.headSha, {
        context: VALIDATION_CHECK_CONTEXT,
        state: 'success',
      });
      await provider.review(change.id, { decision: 'approve', actor: bob });
      await provider.merge(change.id, alice);
      const [result, took] = await timed(() => reconciler.runOnce());
      syncMs = took;
      return result;
    });
    console.log(
      `\n${label} target, ${COUNT} Workspaces${
        COMPARE_ALL ? ' (every sync compares the whole target)' : ''
      }`,
    );
    console.log(
      `  first sync:               ${ms(firstMs)} (applied ${
        first.applied.length
      }, ${first.condition.type})`,
    );
    console.log(
      `  no-op sync (poll):        ${ms(idleMs)} (${
        idle.skipped ?? 'compared'
      }, applied ${idle.applied.length}, target writes ${idleWrites})`,
    );
    console.log(
      `  no-op sync (drift check): ${ms(checkedMs)} (applied ${
        checked.applied.length
      }, target writes ${checkedWrites})`,
    );
    console.log(
      `  merge-to-applied, 1 file: ${ms(latencyMs)} (applied ${
        applied.applied.length
      }: ${applied.applied
        .slice(0, 3)
        .map(r => r.name)
        .join(', ')}${applied.applied.length > 3 ? ', ...' : ''})`,
    );
    console.log(
      `    of which the sync:      ${ms(
        syncMs,
      )} (the rest: open, approve, merge)`,
    );
  } finally {
    await knex.destroy();
  }
}

async function main() {
  const root = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'butler-bench-'),
  );
  const server = await startKubeTestApiServer({
    crds: loadButlerCrds(KINDS.filter(k => k.applied).map(k => k.crdName!)),
    namespaces: ['team-a'],
  });
  try {
    const [provider, setupMs] = await timed(() => repository(root));
    console.log(`repository of ${COUNT} files created in ${ms(setupMs)}`);
    const apiWrites = () =>
      server.requests().filter(r => r.method !== 'GET').length;
    if (TARGETS.includes('kubernetes')) {
      await run(
        'kubernetes',
        provider,
        new KubernetesTarget({ kubeConfig: server.kubeconfig }),
        apiWrites,
      );
      console.log(`  API requests in all:      ${server.requests().length}`);
    }
    if (!TARGETS.includes('directory')) return;

    let fileWrites = 0;
    const directory = new DirectoryTarget({
      root: path.join(root, 'rendered'),
    });
    const counting: SyncTarget = {
      name: directory.name,
      apply: objects => {
        fileWrites += objects.length;
        return directory.apply(objects);
      },
      listManaged: options => directory.listManaged(options),
      delete: ref => {
        fileWrites += 1;
        return directory.delete(ref);
      },
    };
    await run('directory', provider, counting, () => fileWrites);
  } finally {
    await server.stop();
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
