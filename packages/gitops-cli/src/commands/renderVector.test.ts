import fs from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parseAllDocuments } from 'yaml';
import {
  REPO_LAYOUTS,
  runInDir,
  tempCheckout,
  PIPELINE_YAML,
  WORKSPACE_YAML,
} from '../testing/cliHarness';

const MARKER =
  '# portal.butlerlabs.dev/managed-by=butler-portal: written by the Butler Portal reconciler from Git; edits here are overwritten';

const TYPE_MISMATCH = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: metrics
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    host:
      type: host_metrics
  sinks:
    out:
      type: console
      inputs:
        - host
      options:
        encoding:
          codec: raw_message
`;

function vectorSchemaValidator() {
  const schema = JSON.parse(
    fs.readFileSync(
      path.join(
        REPO_LAYOUTS,
        '..',
        'vendor',
        'vector',
        'vector-config.schema.json',
      ),
      'utf8',
    ),
  );
  // formats (uint, int64, ...) not checked: the structure is what this test is about
  const ajv = new Ajv2019({
    allErrors: true,
    strict: false,
    validateFormats: false,
  });
  return ajv.compile(schema);
}

describe('butler-gitops render --vector', () => {
  let checkout: ReturnType<typeof tempCheckout>;
  beforeEach(() => {
    checkout = tempCheckout('render-vector');
  });
  afterEach(() => checkout.remove());

  it('prints each pipeline as the file the reconciler delivers, and nothing else', async () => {
    checkout.write('workspaces/team-a/alice-dev.yaml', WORKSPACE_YAML);
    checkout.write('pipelines/team-a/logs.yaml', PIPELINE_YAML);
    checkout.write(
      'pipelines/team-b/audit.yaml',
      PIPELINE_YAML.replace('name: logs', 'name: audit').replace(
        /team-a/g,
        'team-b',
      ),
    );
    const result = await checkout.run('render', '--vector');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const files = result.stdout.split(/^---\n/m).slice(1);
    expect(files.map(f => f.split('\n').slice(0, 2))).toEqual([
      ['# team-a_logs.yaml', MARKER],
      ['# team-b_audit.yaml', MARKER],
    ]);
    const documents = parseAllDocuments(result.stdout).map((d: any) =>
      d.toJS(),
    );
    expect(documents[0]).toEqual({
      sources: { 'team-a_logs_in': { type: 'demo_logs', format: 'json' } },
      sinks: {
        'team-a_logs_out': {
          type: 'console',
          inputs: ['team-a_logs_in'],
          encoding: { codec: 'json' },
        },
      },
    });
    const validate = vectorSchemaValidator();
    for (const document of documents) expect(validate(document)).toBe(true);
  });

  it('refuses a pipeline failing the Herald rules, with the located message, and prints nothing', async () => {
    checkout.write('pipelines/team-a/logs.yaml', PIPELINE_YAML);
    checkout.write('pipelines/team-a/metrics.yaml', TYPE_MISMATCH);
    const result = await checkout.run('render', '--vector');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'pipelines/team-a/metrics.yaml:15:11: spec.sinks.out.inputs[0]: "host" (host_metrics source "host") carries only metrics, but console sink "out" accepts only logs with codec "raw_message": every event would be dropped',
    );
    expect(result.stderr).toContain('nothing rendered');
  });

  it('renders the example pipelines of the repo layouts', async () => {
    const result = await runInDir(
      REPO_LAYOUTS,
      'render',
      '--vector',
      'pipelines',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^# [a-z0-9-]+_[a-z0-9-]+\.yaml$/gm)).toEqual([
      '# team-a_app-logs.yaml',
      '# team-a_host-metrics-to-prometheus.yaml',
      '# team-a_kubernetes-logs-to-loki.yaml',
      '# team-a_otlp-to-tempo-mimir.yaml',
    ]);
  });

  it('takes no --kind', async () => {
    const result = await checkout.run(
      'render',
      '--vector',
      '--kind',
      'Workspace',
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'butler-gitops: --vector renders Pipelines only; leave out --kind\n',
    );
  });
});
