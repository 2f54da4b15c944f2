import { isPipelineFile, validateResourceFile } from './pipelineCheck';
import {
  REPO_LAYOUTS,
  runInDir,
  tempCheckout,
  PIPELINE_YAML,
  WORKSPACE_YAML,
} from '../testing/cliHarness';

/** Vector #25598's shape: kubernetes_logs → remap → prometheus_remote_write loads, then drops everything */
const LOGS_TO_METRICS_SINK = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: pods
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    pods:
      type: kubernetes_logs
  transforms:
    parse:
      type: remap
      inputs: [pods]
      options:
        source: . = parse_json!(.message)
  sinks:
    prom:
      type: prometheus_remote_write
      inputs: [parse]
      options:
        endpoint: http://mimir:9009/api/v1/push
`;

describe('pipelineCheck', () => {
  it('tells Pipelines by what they declare, not by their folder', () => {
    expect(isPipelineFile(PIPELINE_YAML)).toBe(true);
    expect(isPipelineFile(WORKSPACE_YAML)).toBe(false);
    expect(isPipelineFile('kind: Pipeline\napiVersion: example.com/v1\n')).toBe(
      false,
    );
  });

  it("gives Herald's located error for a type-flow mistake Vector itself lets through", () => {
    expect(
      validateResourceFile(LOGS_TO_METRICS_SINK, 'pipelines/team-a/pods.yaml'),
    ).toEqual({
      ok: false,
      issues: [
        {
          file: 'pipelines/team-a/pods.yaml',
          path: '/spec/sinks/prom/inputs/0',
          line: 20,
          column: 16,
          message:
            'spec.sinks.prom.inputs[0]: "parse" (kubernetes_logs source "pods" through remap "parse") carries only logs, but prometheus_remote_write sink "prom" accepts only metrics: every event would be dropped (convert them first, e.g. with a log_to_metric transform)',
        },
      ],
    });
  });

  it('keeps gitops-common for other kinds, also in the pipelines folder', () => {
    const result = validateResourceFile(
      WORKSPACE_YAML,
      'pipelines/team-a/alice-dev.yaml',
    );
    expect(result.ok).toBe(false);
    expect(result.issues[0].message).toMatch(
      /^file is at "pipelines\/team-a\/alice-dev\.yaml", but Workspace team-a\/alice-dev belongs at "workspaces\/team-a\/alice-dev\.yaml"/,
    );
    expect(
      validateResourceFile(WORKSPACE_YAML, 'workspaces/team-a/alice-dev.yaml'),
    ).toMatchObject({
      ok: true,
      issues: [],
    });
  });

  describe('butler-gitops validate', () => {
    let checkout: ReturnType<typeof tempCheckout>;
    beforeEach(() => {
      checkout = tempCheckout('pipeline-check');
    });
    afterEach(() => checkout.remove());

    it('reports the Herald error at its file, line and column and fails', async () => {
      checkout.write('pipelines/team-a/pods.yaml', LOGS_TO_METRICS_SINK);
      checkout.write('pipelines/team-a/logs.yaml', PIPELINE_YAML);
      const result = await checkout.run('validate');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(
        'pipelines/team-a/pods.yaml:20:16: spec.sinks.prom.inputs[0]: "parse" (kubernetes_logs source "pods" through remap "parse") carries only logs, but prometheus_remote_write sink "prom" accepts only metrics',
      );
      expect(result.stdout).toContain('2 files checked, 1 invalid');
    });

    it('passes every example pipeline of the repo layouts', async () => {
      const result = await runInDir(
        REPO_LAYOUTS,
        'validate',
        'pipelines',
        'platform/pipelines',
      );
      expect(result.stdout).toMatch(/5 files checked, 0 invalid/);
      expect(result.code).toBe(0);
    });
  });
});
