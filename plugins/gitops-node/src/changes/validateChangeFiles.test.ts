import { validateChangeFiles, validationCheck } from './validateChangeFiles';

const pipeline = (sinkType: string, sinkOptions: string) => `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: logs
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    pod_logs:
      type: kubernetes_logs
  transforms:
    parse:
      type: remap
      inputs:
        - pod_logs
      options:
        source: '.parsed = true'
  sinks:
    out:
      type: ${sinkType}
      inputs:
        - parse
      options:
${sinkOptions}
`;

describe('validateChangeFiles', () => {
  it("checks Pipeline files with Herald's rules: logs into a metrics-only sink fail the check, located", () => {
    const path = 'pipelines/team-a/logs.yaml';
    const broken = validateChangeFiles([
      {
        path,
        status: 'added',
        after: pipeline('prometheus_remote_write', '        endpoint: http://mimir:9009/api/v1/push'),
      },
    ]);
    expect(broken.ok).toBe(false);
    expect(broken.issues.length).toBeGreaterThan(0);
    expect(broken.issues[0]).toMatchObject({ file: path, line: expect.any(Number) });
    expect(broken.issues.map(i => i.message).join('\n')).toMatch(/log/i);
    expect(validationCheck(broken).state).toBe('failure');

    const fine = validateChangeFiles([
      {
        path,
        status: 'added',
        after: pipeline('console', '        encoding:\n          codec: json'),
      },
    ]);
    expect(fine).toEqual({ ok: true, issues: [] });
  });

  it('checks other kinds with the generic validation, and deleted files not at all', () => {
    const result = validateChangeFiles([
      { path: 'workspaces/team-a/dev.yaml', status: 'added', after: 'apiVersion: [\n' },
      { path: 'workspaces/team-a/gone.yaml', status: 'deleted', before: 'x: 1\n' },
    ]);
    expect(result.ok).toBe(false);
    expect(result.issues.every(i => i.file === 'workspaces/team-a/dev.yaml')).toBe(true);
  });
});
