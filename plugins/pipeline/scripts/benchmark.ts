/*
 * What the editor does per action on a large pipeline, timed: parse + validate + build the
 * flow model of a settled text (what follows a pause in typing or a graph edit), and write one
 * option change back into the text with the comment-keeping codec (what a form edit costs).
 *
 *   node scripts/portal.js node -r @backstage/cli/config/nodeTransform.cjs \
 *     plugins/pipeline/scripts/benchmark.ts
 */
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import { performance } from 'node:perf_hooks';
import { toFlowModel } from '../src/lib/flowModel';
import { setOptions } from '../src/lib/graphOps';
import { readPipelineText, writePipelineText } from '../src/lib/pipelineText';

/** A pipeline of n components: sources, chains of remaps, sinks, with a comment per component. */
function bigPipeline(n: number): string {
  const sources = Math.max(1, Math.round(n * 0.2));
  const sinks = Math.max(1, Math.round(n * 0.2));
  const transforms = n - sources - sinks;
  const lines = [
    '# a large pipeline',
    'apiVersion: herald.butlerlabs.dev/v1alpha1',
    'kind: Pipeline',
    'metadata:',
    '  name: big',
    '  namespace: team-a',
    'spec:',
    '  owner: group:default/team-a',
    '  sources:',
  ];
  for (let i = 0; i < sources; i++) {
    lines.push(`    s${i}: # source ${i}`, '      type: demo_logs', '      options:', '        format: json');
  }
  lines.push('  transforms:');
  for (let i = 0; i < transforms; i++) {
    const input = i < sources ? `s${i}` : `t${i - sources}`;
    lines.push(`    t${i}: # transform ${i}`, '      type: remap', '      inputs:', `        - ${input}`, '      options:', `        source: .n = ${i}`);
  }
  lines.push('  sinks:');
  for (let i = 0; i < sinks; i++) {
    lines.push(
      `    k${i}: # sink ${i}`,
      '      type: console',
      '      inputs:',
      `        - t${transforms - 1 - (i % Math.max(1, transforms))}`,
      '      options:',
      '        encoding:',
      '          codec: json',
    );
  }
  return `${lines.join('\n')}\n`;
}

function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

for (const n of [50, 200, 500]) {
  const text = bigPipeline(n);
  const settle = () => {
    const resource = readPipelineText(text)!;
    const result = validatePipeline(text);
    toFlowModel(resource.spec, [...result.errors, ...result.warnings]);
  };
  settle(); // warm-up: compiles the validators used
  const settled = best(5, settle);
  const resource = readPipelineText(text)!;
  const result = validatePipeline(text);
  const issues = [...result.errors, ...result.warnings];
  const validate = best(5, () => validatePipeline(text));
  const model = best(5, () => toFlowModel(resource.spec, issues));
  const edit = best(5, () =>
    writePipelineText(text, setOptions(resource, { kind: 'sink', id: 'k0' }, { encoding: { codec: 'text' } })),
  );
  process.stdout.write(
    `${String(n).padStart(4)} components (${text.split('\n').length} lines): settle ${settled.toFixed(1)} ms (validate ${validate.toFixed(1)} ms, flow model with dagre layout ${model.toFixed(1)} ms), one option written back ${edit.toFixed(1)} ms\n`,
  );
}
