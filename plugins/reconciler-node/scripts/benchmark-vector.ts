/*
 * Benchmark of Herald's delivery (a script that prints numbers, not a test): COUNT pipelines
 * of 10 components each (demo_logs → 8 remaps → console) in a local repository, synced by the
 * Reconciler to a VectorDirectoryTarget. Prints
 *  - validation + rendering alone (a new Vector render step over every file: nothing cached;
 *    best of RUNS, default 3),
 *  - the reconciler's full pass at the first sync (read the tree, validate with the Herald
 *    rules, render, write COUNT files atomically, record the inventory),
 *  - a full drift check at the same commit (renders come from the step's cache),
 *  - merge-to-delivered of a one-pipeline edit.
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-reconciler-node run benchmark:vector
 *   (COUNT=200 for a quick run)
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import knexFactory from 'knex';
import {
  parseResourceYaml,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import { alice, bob } from '@butler-portal/plugin-gitops-node/testUtils';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import { createLocalRepository } from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { Reconciler } from '../src/reconciler/Reconciler';
import { DatabaseReconcilerStore } from '../src/reconciler/store/DatabaseReconcilerStore';
import { VectorDirectoryTarget } from '../src/targets/vector/VectorDirectoryTarget';
import {
  VECTOR_KINDS,
  vectorRenderStep,
} from '../src/targets/vector/vectorRenderStep';

const COUNT = Number(process.env.COUNT ?? 1000);
const RUNS = Number(process.env.RUNS ?? 3);

function pipelineYaml(name: string, tag = name): string {
  const remaps = Array.from(
    { length: 8 },
    (_, i) => `    step${i}:
      type: remap
      inputs:
        - ${i === 0 ? 'app' : `step${i - 1}`}
      options:
        source: '.step${i} = "${tag}"'
`,
  ).join('');
  return `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: ${name}
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    app:
      type: demo_logs
      options:
        format: json
  transforms:
${remaps}  sinks:
    out:
      type: console
      inputs:
        - step7
      options:
        encoding:
          codec: json
`;
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function main() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-vector-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  try {
    const files: Record<string, string> = {};
    for (let i = 0; i < COUNT; i++) {
      files[`pipelines/team-a/p-${i}.yaml`] = pipelineYaml(`p-${i}`);
    }

    // warm-up: the first call compiles the Pipeline schema and the validators it uses
    const warm = parseResourceYaml(files['pipelines/team-a/p-0.yaml']);
    if (!warm.ok) throw new Error('fixture does not parse');
    vectorRenderStep()(
      warm.yaml.value as unknown as GitOpsResource,
      { kind: 'Pipeline', namespace: 'team-a', name: 'p-0' },
      {
        path: 'pipelines/team-a/p-0.yaml',
        content: files['pipelines/team-a/p-0.yaml'],
      },
    );

    // the resources parsed beforehand (the snapshot reader does that in the reconciler); each
    // run a new step, so nothing is cached; best of RUNS (a shared machine mostly adds waiting)
    const inputs = Object.entries(files).map(([file, text]) => {
      const parsed = parseResourceYaml(text);
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      return {
        resource: parsed.yaml.value as unknown as GitOpsResource,
        ref: {
          kind: 'Pipeline' as const,
          namespace: 'team-a',
          name: path.basename(file, '.yaml'),
        },
        source: { path: file, content: text },
      };
    });
    const renderRuns: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const step = vectorRenderStep();
      const [, took] = await timed(() => {
        for (const { resource, ref, source } of inputs)
          step(resource, ref, source);
      });
      renderRuns.push(took);
    }
    const renderMs = Math.min(...renderRuns);

    const { dir } = await createLocalRepository(files, {
      root: path.join(root, 'repo'),
      initialAuthor: alice,
    });
    const provider = new LocalGitProvider({ repository: 'platform', dir });
    const target = new VectorDirectoryTarget({
      root: path.join(root, 'vector'),
    });
    const reconciler = new Reconciler({
      provider,
      target,
      store: await DatabaseReconcilerStore.create(knex),
      kinds: VECTOR_KINDS,
      render: vectorRenderStep(),
      commitStatusContext: false,
    });
    const [first, firstMs] = await timed(() => reconciler.runOnce());
    const [checked, checkedMs] = await timed(() =>
      reconciler.runOnce({ full: true }),
    );

    const edited = `p-${Math.floor(COUNT / 2)}`;
    let syncMs = 0;
    const [applied, latencyMs] = await timed(async () => {
      const change = await provider.openChange({
        branch: 'butler/bench/vector',
        title: `Edit ${edited}`,
        description: '',
        operations: [
          {
            action: 'update',
            path: `pipelines/team-a/${edited}.yaml`,
            content: pipelineYaml(edited, 'edited'),
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

    const load = os
      .loadavg()
      .map(n => n.toFixed(1))
      .join(' ');
    console.log(
      `${COUNT} pipelines of 10 components, Vector directory target (load ${load}, ${
        os.cpus().length
      } CPUs)`,
    );
    console.log(
      `  validation + rendering (render step, uncached, best of ${RUNS}): ${ms(
        renderMs,
      )} (${(renderMs / COUNT).toFixed(2)} ms per pipeline; runs ${renderRuns
        .map(ms)
        .join(', ')})`,
    );
    console.log(
      `  first sync (full pass, files written):      ${ms(firstMs)} (applied ${
        first.applied.length
      }, ${first.condition.type})`,
    );
    console.log(
      `  full drift check, same commit:               ${ms(
        checkedMs,
      )} (applied ${checked.applied.length})`,
    );
    console.log(
      `  merge-to-delivered, 1 pipeline:              ${ms(
        latencyMs,
      )} (sync ${ms(syncMs)}, applied ${applied.applied.length})`,
    );
  } finally {
    await knex.destroy();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
