import { renderPipelineFile } from './renderPipelineFile';

const VALID = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: logs
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    app:
      type: demo_logs
      options:
        format: json
    unused:
      type: internal_logs
  sinks:
    out:
      type: blackhole
      inputs: [app]
`;

describe('renderPipelineFile', () => {
  it('renders a valid pipeline, keeping its warnings', () => {
    const result = renderPipelineFile(VALID, {
      file: 'pipelines/team-a/logs.yaml',
    });
    if (!result.ok) throw new Error('expected a rendering');
    expect(result.rendered.fileName).toBe('team-a_logs.yaml');
    expect(result.rendered.yaml).toContain(
      '# Rendered by Butler Portal (Herald) for Vector 0.54 from Pipeline team-a/logs (pipelines/team-a/logs.yaml).',
    );
    expect(result.warnings.map(w => w.message)).toEqual([
      'spec.sources.unused: source "unused" has no consumers; no transform or sink reads its events',
    ]);
  });

  it('renders nothing for a pipeline with an error', () => {
    const result = renderPipelineFile(
      VALID.replace('type: blackhole', 'type: prometheus_remote_write'),
      { file: 'pipelines/team-a/logs.yaml' },
    );
    expect(result.ok).toBe(false);
    expect(result).not.toHaveProperty('rendered');
    expect(
      !result.ok &&
        result.errors.map(e => `${e.file}:${e.line}:${e.column} ${e.message}`),
    ).toEqual([
      // no options at all: the sink's key is the place to add them
      'pipelines/team-a/logs.yaml:16:5 spec.sinks.out.options: missing required field "endpoint"',
      'pipelines/team-a/logs.yaml:18:16 spec.sinks.out.inputs[0]: "app" (demo_logs source "app") carries only logs, but prometheus_remote_write sink "out" accepts only metrics: every event would be dropped (convert them first, e.g. with a log_to_metric transform)',
    ]);
  });
});
