/*
 * Benchmark of drift detection through the watch (a script that prints numbers, not a test):
 * 5,000 Workspaces synced to the kube test API server, then someone else changes `spec.image`
 * (merge patch as `kubectl-patch`, or read-modify-PUT as `kubectl-edit`). Prints, per sample,
 * the time from the foreign write's answer until the reconciler's record reads Drifted (self-heal
 * off) and until the Git value is back and owned by butler-portal (self-heal on). Goal: < 5 s.
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-reconciler-node run benchmark:drift
 *   (COUNT=500 SAMPLES=3 for a quick run)
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import {
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import { alice } from '@butler-portal/plugin-gitops-node/testUtils';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { createLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { Reconciler } from '../src/reconciler/Reconciler';
import { DatabaseReconcilerStore } from '../src/reconciler/store/DatabaseReconcilerStore';
import { KubernetesTarget } from '../src/targets/kubernetes/KubernetesTarget';

const COUNT = Number(process.env.COUNT ?? 5000);
const SAMPLES = Number(process.env.SAMPLES ?? 5);
const GIVE_UP_MS = 60_000;

function workspaceYaml(name: string) {
  return `apiVersion: butler.butlerlabs.dev/v1alpha1
kind: Workspace
metadata:
  name: ${name}
  namespace: team-a
spec:
  owner: alice@example.com
  clusterRef:
    name: team-a-dev
  image: golang:1.23
`;
}

const ms = (n: number) => `${n.toFixed(0)} ms`;
const now = () => Number(process.hrtime.bigint()) / 1e6;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = now();
  const result = await work();
  return [result, now() - start];
}

/** polls until `check` is true; the time it took, or Infinity past the limit */
async function until(check: () => Promise<boolean>): Promise<number> {
  const start = now();
  while (now() - start < GIVE_UP_MS) {
    if (await check()) return now() - start;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
  return Infinity;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `median ${ms(median)}, max ${ms(sorted[sorted.length - 1])} (${samples
    .map(s => s.toFixed(0))
    .join(', ')})`;
}

async function main() {
  const root = await fs.promises.mkdtemp(
    path.join(os.tmpdir(), 'butler-bench-drift-'),
  );
  const server = await startKubeTestApiServer({
    crds: loadButlerCrds(KINDS.filter(k => k.applied).map(k => k.crdName!)),
    namespaces: ['team-a'],
  });
  const knexes: Array<ReturnType<typeof knexFactory>> = [];
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < COUNT; i++) {
      files[`workspaces/team-a/ws-${i}.yaml`] = workspaceYaml(`ws-${i}`);
    }
    const { dir } = await createLocalRepository(files, {
      root,
      initialAuthor: alice,
    });
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const api = KubernetesObjectApi.makeApiClient(server.kubeconfig);
    const ref = (name: string) => ({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: { name, namespace: 'team-a' },
    });
    const writes = {
      patch: (name: string, image: string) =>
        api.patch(
          { ...ref(name), spec: { image } } as any,
          undefined,
          undefined,
          'kubectl-patch',
          undefined,
          PatchStrategy.MergePatch,
        ),
      edit: async (name: string, image: string) => {
        const live: any = await api.read(ref(name) as any);
        live.spec.image = image;
        await api.replace(live, undefined, undefined, 'kubectl-edit');
      },
    };

    for (const selfHeal of [false, true]) {
      const knex = knexFactory({
        client: 'better-sqlite3',
        connection: ':memory:',
        useNullAsDefault: true,
      });
      knexes.push(knex);
      const store = await DatabaseReconcilerStore.create(knex);
      const target = new KubernetesTarget({ kubeConfig: server.kubeconfig });
      const reconciler = new Reconciler({
        provider,
        target,
        store,
        selfHeal,
        commitStatusContext: false,
      });
      const [first, syncMs] = await timed(() => reconciler.runOnce());
      const [watch, watchMs] = await timed(
        async () => (await reconciler.watch())!,
      );
      // the watch's first list reports every object once; let that settle before measuring
      await new Promise(resolve => setTimeout(resolve, 2000));
      console.log(
        `\nself-heal ${
          selfHeal ? 'on' : 'off'
        }, ${COUNT} Workspaces: first sync ${ms(syncMs)} (${
          first.applied.length
        } applied, ${first.adopted.length} adopted, ${
          first.condition.reason
        }), watch started in ${ms(watchMs)}`,
      );
      try {
        for (const how of ['patch', 'edit'] as const) {
          const samples: number[] = [];
          for (let s = 0; s < SAMPLES; s++) {
            const name = `ws-${Math.floor(((s + 1) * COUNT) / (SAMPLES + 2))}`;
            const image = `evil:${how}-${s}`;
            await writes[how](name, image);
            if (selfHeal) {
              samples.push(
                await until(async () => {
                  const live: any = await target.get({
                    kind: 'Workspace',
                    namespace: 'team-a',
                    name,
                  });
                  return (
                    live.spec.image === 'golang:1.23' &&
                    live.metadata.managedFields.some(
                      (e: any) =>
                        e.manager === 'butler-portal' &&
                        e.fieldsV1?.['f:spec']?.['f:image'],
                    )
                  );
                }),
              );
            } else {
              samples.push(
                await until(async () =>
                  (
                    await store.listInventory(target.name)
                  ).some(r => r.ref.name === name && r.status === 'Drifted'),
                ),
              );
              // put it back, so the next sample starts from a synced target
              await writes.patch(name, 'golang:1.23');
              await until(async () =>
                (
                  await store.listInventory(target.name)
                ).some(r => r.ref.name === name && r.status === 'Synced'),
              );
            }
          }
          console.log(
            `  ${
              how === 'patch'
                ? 'merge patch (kubectl-patch)'
                : 'update (kubectl-edit)  '
            } → ${
              selfHeal ? 'healed, owned by butler-portal' : 'Drifted'
            }: ${summary(samples)}`,
          );
        }
      } finally {
        await watch.stop();
      }
    }
    console.log(`\nAPI requests in all: ${server.requests().length}`);
  } finally {
    await Promise.all(knexes.map(k => k.destroy()));
    await server.stop();
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
