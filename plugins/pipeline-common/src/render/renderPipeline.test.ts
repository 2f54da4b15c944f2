import { parse } from 'yaml';
import {
  examplePipelines,
  vectorConfigValidator,
} from '../__testUtils__/examples';
import type { PipelineResource } from '../graph/types';
import { validatePipeline } from '../validation/validatePipeline';
import {
  renderPipeline,
  renderedComponentId,
  renderedFileName,
} from './renderPipeline';

function pipeline(
  namespace: string,
  name: string,
  spec: Partial<PipelineResource['spec']>,
): PipelineResource {
  return {
    apiVersion: 'herald.butlerlabs.dev/v1alpha1',
    kind: 'Pipeline',
    metadata: { name, namespace },
    spec: { owner: 'group:default/team-a', sources: {}, sinks: {}, ...spec },
  };
}

const SIMPLE = {
  sources: { in: { type: 'demo_logs', options: { format: 'json' } } },
  transforms: {
    parse: {
      type: 'remap',
      inputs: ['in'],
      options: { source: '. = parse_json!(.message)' },
    },
  },
  sinks: {
    out: {
      type: 'console',
      inputs: ['parse'],
      options: { encoding: { codec: 'json' } },
    },
  },
};

describe('renderPipeline', () => {
  const examples = examplePipelines();

  it('finds the example pipelines and the three starter templates', () => {
    expect(examples.map(e => `${e.layout}/${e.file}`)).toEqual(
      expect.arrayContaining([
        'pipelines/pipelines/team-a/app-logs.yaml',
        'pipelines/pipelines/team-a/kubernetes-logs-to-loki.yaml',
        'pipelines/pipelines/team-a/otlp-to-tempo-mimir.yaml',
        'pipelines/pipelines/team-a/host-metrics-to-prometheus.yaml',
        'platform/pipelines/team-a/app-logs.yaml',
      ]),
    );
  });

  it.each(examples.map(e => [`${e.layout}/${e.file}`, e] as const))(
    '%s passes the Herald rules and renders to a configuration valid under the Vector schema',
    (_, example) => {
      const result = validatePipeline(example.text, { file: example.file });
      expect({ errors: result.errors, warnings: result.warnings }).toEqual({
        errors: [],
        warnings: [],
      });
      const rendered = renderPipeline(result.resource!, {
        sourceFile: example.file,
      });
      const document = parse(rendered.yaml);
      // empty sections are left out of the text
      expect(document).toEqual(
        Object.fromEntries(
          Object.entries(rendered.config).filter(
            ([, v]) => Object.keys(v).length > 0,
          ),
        ),
      );
      const validate = vectorConfigValidator();
      expect({ valid: validate(document), errors: validate.errors }).toEqual({
        valid: true,
        errors: null,
      });
    },
  );

  it('namespaces ids, rewrites inputs and keeps named outputs', () => {
    const rendered = renderPipeline(
      pipeline('team-a', 'otel', {
        sources: {
          otlp: {
            type: 'opentelemetry',
            options: {
              grpc: { address: '0.0.0.0:4317' },
              http: { address: '0.0.0.0:4318' },
            },
          },
        },
        transforms: {
          split: {
            type: 'route',
            inputs: ['otlp.logs'],
            options: { route: { errors: '.level == "error"' } },
          },
        },
        sinks: {
          errors: {
            type: 'console',
            inputs: ['split.errors'],
            options: { encoding: { codec: 'json' } },
          },
          rest: {
            type: 'blackhole',
            inputs: ['split._unmatched', 'otlp.metrics'],
          },
        },
      }),
    );
    expect(rendered.fileName).toBe('team-a_otel.yaml');
    expect(rendered.config.transforms).toEqual({
      'team-a_otel_split': {
        type: 'route',
        inputs: ['team-a_otel_otlp.logs'],
        route: { errors: '.level == "error"' },
      },
    });
    expect(rendered.config.sinks['team-a_otel_rest'].inputs).toEqual([
      'team-a_otel_split._unmatched',
      'team-a_otel_otlp.metrics',
    ]);
    expect(rendered.ids).toEqual({
      otlp: 'team-a_otel_otlp',
      split: 'team-a_otel_split',
      errors: 'team-a_otel_errors',
      rest: 'team-a_otel_rest',
    });
  });

  it('expands wildcards within the pipeline before namespacing them', () => {
    const rendered = renderPipeline(
      pipeline('team-a', 'apps', {
        sources: {
          app_a: { type: 'demo_logs', options: { format: 'json' } },
          app_b: { type: 'demo_logs', options: { format: 'json' } },
          other: { type: 'demo_logs', options: { format: 'json' } },
        },
        sinks: {
          out: { type: 'blackhole', inputs: ['app_*'] },
          all: { type: 'blackhole', inputs: ['*'] },
        },
      }),
    );
    expect(rendered.config.sinks['team-a_apps_out'].inputs).toEqual([
      'team-a_apps_app_a',
      'team-a_apps_app_b',
    ]);
    expect(rendered.config.sinks['team-a_apps_all'].inputs).toEqual([
      'team-a_apps_app_a',
      'team-a_apps_app_b',
      'team-a_apps_other',
    ]);
  });

  it('renders two pipelines with equal component ids without collision', () => {
    const one = renderPipeline(pipeline('team-a', 'logs', SIMPLE));
    const two = renderPipeline(pipeline('team-b', 'logs', SIMPLE));
    expect(one.fileName).not.toBe(two.fileName);
    const merged = {
      sources: { ...one.config.sources, ...two.config.sources },
      transforms: { ...one.config.transforms, ...two.config.transforms },
      sinks: { ...one.config.sinks, ...two.config.sinks },
    };
    expect(Object.keys(merged.sources)).toEqual([
      'team-a_logs_in',
      'team-b_logs_in',
    ]);
    expect(merged.sinks['team-b_logs_out'].inputs).toEqual([
      'team-b_logs_parse',
    ]);
    const validate = vectorConfigValidator();
    expect(validate(merged)).toBe(true);
  });

  it('gives distinct ids and files where hyphens alone would collide', () => {
    // team-a/app-logs and team/a-app-logs would both be "team-a-app-logs-in"
    expect(renderedComponentId('team-a', 'app-logs', 'in')).not.toBe(
      renderedComponentId('team', 'a-app-logs', 'in'),
    );
    expect(renderedFileName('team-a', 'app-logs')).not.toBe(
      renderedFileName('team', 'a-app-logs'),
    );
  });

  it('is deterministic and says where it comes from', () => {
    const resource = pipeline('team-a', 'logs', SIMPLE);
    const first = renderPipeline(resource, {
      sourceFile: 'pipelines/team-a/logs.yaml',
    });
    expect(
      renderPipeline(structuredClone(resource), {
        sourceFile: 'pipelines/team-a/logs.yaml',
      }).yaml,
    ).toBe(first.yaml);
    expect(first.yaml).toBe(
      [
        '# Rendered by Butler Portal (Herald) for Vector 0.54 from Pipeline team-a/logs (pipelines/team-a/logs.yaml).',
        '# Do not edit: change the pipeline and its pull request instead.',
        '',
        'sources:',
        '  team-a_logs_in:',
        '    type: demo_logs',
        '    format: json',
        'transforms:',
        '  team-a_logs_parse:',
        '    type: remap',
        '    inputs:',
        '      - team-a_logs_in',
        '    source: . = parse_json!(.message)',
        'sinks:',
        '  team-a_logs_out:',
        '    type: console',
        '    inputs:',
        '      - team-a_logs_parse',
        '    encoding:',
        '      codec: json',
        '',
      ].join('\n'),
    );
  });

  it('renders documents the Vector schema can refuse (the check is not vacuous)', () => {
    const rendered = renderPipeline(
      pipeline('team-a', 'bad', {
        ...SIMPLE,
        sinks: { out: { type: 'console', inputs: ['parse'] } },
      }),
    );
    expect(vectorConfigValidator()(parse(rendered.yaml))).toBe(false);
  });

  it('refuses a pipeline without namespace or name', () => {
    expect(() =>
      renderPipeline({
        ...pipeline('team-a', 'x', SIMPLE),
        metadata: { name: 'x' } as PipelineResource['metadata'],
      }),
    ).toThrow(
      'cannot render a pipeline without metadata.namespace and metadata.name',
    );
  });
});
