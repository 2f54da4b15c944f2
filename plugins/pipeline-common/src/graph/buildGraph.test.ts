import { buildPipelineGraph, outputsOf } from './buildGraph';
import { findComponentType } from '../catalog/catalog';
import type { PipelineComponent } from './types';

function component(
  kind: PipelineComponent['kind'],
  type: string,
  options: Record<string, unknown> = {},
): PipelineComponent {
  return {
    id: 'c',
    kind,
    type,
    info: findComponentType(kind, type),
    inputs: [],
    options,
    pointer: '/spec/x/c',
  };
}

describe('outputsOf', () => {
  it('gives route one output per route plus _unmatched, unless reroute_unmatched is false', () => {
    expect(
      outputsOf(
        component('transform', 'route', { route: { a: 'true', b: 'true' } }),
      ).map(o => o.ref),
    ).toEqual(['c.a', 'c.b', 'c._unmatched']);
    expect(
      outputsOf(
        component('transform', 'route', {
          route: { a: 'true' },
          reroute_unmatched: false,
        }),
      ).map(o => o.ref),
    ).toEqual(['c.a']);
    expect(
      outputsOf(
        component('transform', 'exclusive_route', {
          routes: [{ name: 'x', condition: 'true' }],
        }),
      ).map(o => o.ref),
    ).toEqual(['c.x', 'c._unmatched']);
  });

  it('gives remap a dropped output only with reroute_dropped: true', () => {
    expect(outputsOf(component('transform', 'remap')).map(o => o.ref)).toEqual([
      'c',
    ]);
    expect(
      outputsOf(component('transform', 'remap', { reroute_dropped: true })).map(
        o => o.ref,
      ),
    ).toEqual(['c', 'c.dropped']);
  });

  it('gives the opentelemetry source its typed named outputs only, sinks none', () => {
    expect(outputsOf(component('source', 'opentelemetry'))).toEqual([
      { component: 'c', name: 'logs', ref: 'c.logs', fixedTypes: ['logs'] },
      {
        component: 'c',
        name: 'traces',
        ref: 'c.traces',
        fixedTypes: ['traces'],
      },
      {
        component: 'c',
        name: 'metrics',
        ref: 'c.metrics',
        fixedTypes: ['metrics'],
      },
    ]);
    expect(
      outputsOf(
        component('source', 'opentelemetry', { use_otlp_decoding: true }),
      ).find(o => o.name === 'metrics')!.fixedTypes,
    ).toEqual(['logs']);
    expect(outputsOf(component('sink', 'console'))).toEqual([]);
  });
});

describe('buildPipelineGraph', () => {
  it('expands wildcards as Vector does: any run of characters, dots included, never the component itself', () => {
    const graph = buildPipelineGraph({
      sources: { app_a: { type: 'demo_logs' }, app_b: { type: 'demo_logs' } },
      transforms: {
        split: {
          type: 'route',
          inputs: ['app_*'],
          options: { route: { errors: 'true' } },
        },
        all_apps: { type: 'filter', inputs: ['app*'] },
      },
      sinks: { out: { type: 'blackhole', inputs: ['split*', 'all_apps'] } },
    });
    expect(graph.edges.map(e => `${e.from} -> ${e.to}`)).toEqual([
      'app_a -> split',
      'app_b -> split',
      'app_a -> all_apps',
      'app_b -> all_apps',
      'split.errors -> out',
      'split._unmatched -> out',
      'all_apps -> out',
    ]);
    expect(graph.findings).toEqual([]);
  });

  it('stays bounded on a long chain (no recursion)', () => {
    const transforms: Record<string, { type: string; inputs: string[] }> = {};
    for (let i = 0; i < 20000; i++) {
      transforms[`t${i}`] = { type: 'filter', inputs: [i ? `t${i - 1}` : 's'] };
    }
    const graph = buildPipelineGraph({
      sources: { s: { type: 'demo_logs' } },
      transforms,
      sinks: { out: { type: 'blackhole', inputs: ['t19999'] } },
    });
    expect(graph.edges).toHaveLength(20001);
    expect(graph.findings).toEqual([]);
  });

  it('reads a spec that is not one without throwing', () => {
    for (const spec of [undefined, null, 5, 'x', [], { sources: [1] }]) {
      expect(buildPipelineGraph(spec).components).toEqual([]);
    }
  });
});

describe('buildPipelineGraph on hostile input', () => {
  it('refuses wildcards that would expand beyond bounds, once, instead of working for seconds', () => {
    const sources: Record<string, { type: string }> = {};
    const sinks: Record<string, { type: string; inputs: string[] }> = {};
    for (let i = 0; i < 3000; i++) {
      sources[`s${i}`] = { type: 'demo_logs' };
      sinks[`k${i}`] = { type: 'blackhole', inputs: ['s*'] };
    }
    const start = Date.now();
    const graph = buildPipelineGraph({ sources, sinks });
    const tooLarge = graph.findings.filter(f => f.rule === 'too-large');
    expect(tooLarge).toEqual([
      {
        pointer: '/spec/sinks/k17/inputs/0',
        target: 'value',
        severity: 'error',
        rule: 'too-large',
        message:
          'spec.sinks.k17.inputs[0]: input "s*": the pipeline\'s wildcards expand to more than 50000 inputs or take too long to expand; name the inputs, or split the pipeline',
      },
    ]);
    // 17 sinks x 3,000 sources: the 17th goes past 50,000 edges, and no further one is linked
    expect(graph.edges).toHaveLength(51_000);
    // generous: only guards against the unbounded (minutes) case
    expect(Date.now() - start).toBeLessThan(20_000);
  });
});
