/*
 * Benchmark of the Reconciler (a script that prints numbers, not a test): N Workspaces in a
 * local repository synced to the kube test API server (in a child process, as a real apiserver
 * is another process, counting its requests) and to a DirectoryTarget. For each size it prints
 *  - the first sync: time, this process's CPU time, and its peak RSS during the sync (sampled
 *    every 20 ms, as the backend would see it);
 *  - a no-op sync as a poll (skips at an unchanged commit) and as a full drift check, with the
 *    target writes of each (goal: 0); on the directory target the first drift check after the
 *    sync reads back the files the sync wrote in its last clock tick (racy: see FileStatCache),
 *    later ones stat them all, so both are printed;
 *  - merge → applied of a one-file change: from the merge request (the change opened and
 *    approved before) until runOnce has applied it, median and max of MERGES merges, with the
 *    sync's share — the curve over sizes must be flat; the opening and approval before it
 *    (the local Git provider writing the change) printed apart;
 *  - beside wall times, this process's CPU time (the machine is shared: wall time follows its
 *    load, CPU time much less).
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-reconciler-node run benchmark
 *   SIZES=500,5000 by default; SIZES=500,5000,50000 for the whole curve (50,000 takes minutes);
 *   TARGETS=directory for one target; COMPARE_ALL=1 to compare the whole target on every sync,
 *   as before syncs between drift checks read only what changed.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import { alice, bob } from '@butler-portal/plugin-gitops-node/testUtils';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { createLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { Reconciler } from '../src/reconciler/Reconciler';
import { DatabaseReconcilerStore } from '../src/reconciler/store/DatabaseReconcilerStore';
import { DirectoryTarget } from '../src/targets/directory/DirectoryTarget';
import { RACY_MS } from '../src/targets/fileStatCache';
import { KubernetesTarget } from '../src/targets/kubernetes/KubernetesTarget';
import type { SyncTarget } from '../src/targets/types';
import {
  type ApiServerProcess,
  startApiServerProcess,
} from './apiServerProcess';

const SIZES = (process.env.SIZES ?? process.env.COUNT ?? '500,5000')
  .split(',')
  .map(Number);
/**
 * COMPARE_ALL=1: every sync compares the whole target (drift interval 0), as the reconciler
 * did before syncs between drift checks read only what changed; for before/after figures
 */
const COMPARE_ALL = process.env.COMPARE_ALL === '1';
/** which targets to run, e.g. TARGETS=directory (default both) */
const TARGETS = (process.env.TARGETS ?? 'kubernetes,directory').split(',');
/** one-file merges measured per size and target */
const MERGES = Number(process.env.MERGES ?? 3);

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

/** wall time, this process's CPU time and its peak RSS (sampled) while `work` runs */
async function measured<T>(work: () => Promise<T>) {
  const cpu = process.cpuUsage();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  try {
    const [result, wallMs] = await timed(work);
    peak = Math.max(peak, process.memoryUsage().rss);
    const used = process.cpuUsage(cpu);
    return {
      result,
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
      peakRssMb: peak / 2 ** 20,
    };
  } finally {
    clearInterval(sampler);
  }
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const mb = (n: number) => `${n.toFixed(0)} MB`;
const count = (n: number) => n.toLocaleString('en-US');

function spread(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  return `median ${ms(sorted[Math.floor(sorted.length / 2)])}, max ${ms(
    sorted[sorted.length - 1],
  )}`;
}

async function repository(root: string, size: number) {
  const files: Record<string, string> = {};
  for (let i = 0; i < size; i++) {
    files[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
  }
  const { dir } = await createLocalRepository(files, {
    root,
    initialAuthor: alice,
  });
  return dir;
}

/** a provider of its own per target: each first sync reads and validates the commit itself */
const providerOf = (dir: string) =>
  new LocalGitProvider({ repository: 'platform', dir });

async function run(
  label: string,
  size: number,
  provider: LocalGitProvider,
  target: SyncTarget,
  writes: () => Promise<number>,
  server?: ApiServerProcess,
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
    const serverCpu = server ? (await server.counts()).cpuMs : 0;
    const first = await measured(() => reconciler.runOnce());
    const firstServerCpu = server
      ? (await server.counts()).cpuMs - serverCpu
      : undefined;
    const before = await writes();
    // a poll at the synced commit (what runs every pollInterval)
    const [idle, idleMs] = await timed(() => reconciler.runOnce());
    const idleWrites = (await writes()) - before;
    // the full comparison at the same commit (what runs every driftInterval)
    const {
      result: checked,
      wallMs: checkedMs,
      cpuMs: checkedCpuMs,
    } = await measured(() => reconciler.runOnce({ full: true }));
    const checkedWrites = (await writes()) - before - idleWrites;
    // a later one, once what the sync wrote is no longer racy
    await new Promise(resolve => setTimeout(resolve, RACY_MS + 100));
    const {
      result: later,
      wallMs: laterMs,
      cpuMs: laterCpuMs,
    } = await measured(() => reconciler.runOnce({ full: true }));
    const laterWrites = (await writes()) - before - idleWrites - checkedWrites;

    const latencies: number[] = [];
    const syncs: number[] = [];
    const syncCpu: number[] = [];
    const reviews: number[] = [];
    const applied: string[] = [];
    for (let m = 0; m < MERGES; m++) {
      const edited = `ws-${Math.floor(((m + 1) * size) / (MERGES + 1))}`;
      const [change, reviewMs] = await timed(async () => {
        const opened = await provider.openChange({
          branch: `butler/bench/${label}-${m}`,
          title: `Edit ${edited}`,
          description: '',
          operations: [
            {
              action: 'update',
              path: `workspaces/team-a/${edited}.yaml`,
              content: workspaceYaml(edited, `golang:${label}-${m}`),
            },
          ],
          actor: alice,
        });
        await provider.setCommitStatus(opened.headSha, {
          context: VALIDATION_CHECK_CONTEXT,
          state: 'success',
        });
        await provider.review(opened.id, { decision: 'approve', actor: bob });
        return opened;
      });
      reviews.push(reviewMs);
      const [result, latencyMs] = await timed(async () => {
        await provider.merge(change.id, alice);
        const synced = await measured(() => reconciler.runOnce());
        syncs.push(synced.wallMs);
        syncCpu.push(synced.cpuMs);
        return synced.result;
      });
      latencies.push(latencyMs);
      applied.push(...result.applied.map(r => r.name));
    }
    console.log(
      `\n${label} target, ${count(size)} Workspaces${
        COMPARE_ALL ? ' (every sync compares the whole target)' : ''
      }`,
    );
    console.log(
      `  first sync:               ${ms(first.wallMs)} (applied ${count(
        first.result.applied.length,
      )}, ${first.result.condition.type}; CPU ${ms(first.cpuMs)}${
        firstServerCpu !== undefined
          ? ` (the API server process: ${ms(firstServerCpu)} more)`
          : ''
      }; peak RSS ${mb(first.peakRssMb)})`,
    );
    console.log(
      `  no-op sync (poll):        ${ms(idleMs)} (${
        idle.skipped ?? 'compared'
      }, applied ${idle.applied.length}, target writes ${idleWrites})`,
    );
    console.log(
      `  no-op sync (drift check): ${ms(checkedMs)} (CPU ${ms(
        checkedCpuMs,
      )}) right after the sync (applied ${
        checked.applied.length
      }, target writes ${checkedWrites}); ${ms(laterMs)} (CPU ${ms(
        laterCpuMs,
      )}) later (applied ${
        later.applied.length
      }, target writes ${laterWrites})`,
    );
    console.log(
      `  merge → applied, 1 file:  ${spread(
        latencies,
      )} (${MERGES} merges; applied ${applied.length}: ${applied
        .slice(0, 3)
        .join(', ')}${applied.length > 3 ? ', ...' : ''})`,
    );
    console.log(
      `    of which the sync:      ${spread(syncs)}; CPU ${spread(
        syncCpu,
      )} (the rest: the merge on the local Git provider)`,
    );
    console.log(
      `  before it, open + approve: ${spread(
        reviews,
      )} (the local Git provider writing the change, its check and review)`,
    );
  } finally {
    await knex.destroy();
  }
}

async function main() {
  for (const size of SIZES) {
    const root = await fs.promises.mkdtemp(
      path.join(os.tmpdir(), 'butler-bench-'),
    );
    const server = TARGETS.includes('kubernetes')
      ? await startApiServerProcess(['team-a'])
      : undefined;
    try {
      const [dir, setupMs] = await timed(() => repository(root, size));
      console.log(
        `\nrepository of ${count(size)} files created in ${ms(setupMs)}`,
      );
      if (server) {
        await run(
          'kubernetes',
          size,
          providerOf(dir),
          new KubernetesTarget({ kubeConfig: server.kubeconfig }),
          async () => (await server.counts()).writes,
          server,
        );
        console.log(
          `  API requests in all:      ${count(
            (await server.counts()).requests,
          )}`,
        );
      }
      if (!TARGETS.includes('directory')) continue;

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
      await run(
        'directory',
        size,
        providerOf(dir),
        counting,
        async () => fileWrites,
      );
    } finally {
      await server?.stop();
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
