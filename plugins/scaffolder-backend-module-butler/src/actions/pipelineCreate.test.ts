import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import { parse } from 'yaml';
import { serveChanges } from '../__testUtils__/changeRoutes';
import {
  startFakeGitopsBackend,
  type FakeGitopsBackend,
} from '../__testUtils__/fakeGitopsBackend';
import { GitopsClient } from '../gitops/GitopsClient';
import { createPipelineCreateAction } from './pipelineCreate';

const jane = mockCredentials.user('user:default/jane');

const input = {
  name: 'app-logs',
  namespace: 'team-a',
  owner: 'group:default/team-a',
  description: "Logs of team-a's pods to Loki.",
  sources: { pods: { type: 'kubernetes_logs' } },
  transforms: {
    parse: { type: 'remap', inputs: ['pods'], options: { source: '. = parse_json(.message) ?? .' } },
  },
  sinks: {
    loki: {
      type: 'loki',
      inputs: ['parse'],
      options: {
        endpoint: 'http://loki.observability.svc:3100',
        encoding: { codec: 'json' },
        labels: { app: '{{ kubernetes.pod_labels.app }}' },
      },
    },
  },
};

function contextFor(values: Record<string, unknown>, options: { credentials?: any; dryRun?: boolean } = {}) {
  const ctx = createMockActionContext({ input: values as any });
  return {
    ...ctx,
    isDryRun: options.dryRun ?? false,
    getInitiatorCredentials: async () => options.credentials ?? jane,
  } as any;
}

const outputsOf = (ctx: { output: jest.Mock }) => Object.fromEntries(ctx.output.mock.calls);

describe('butler:pipeline:create', () => {
  let backend: FakeGitopsBackend;
  let action: ReturnType<typeof createPipelineCreateAction>;

  beforeEach(async () => {
    backend = await startFakeGitopsBackend();
    serveChanges(backend);
    action = createPipelineCreateAction({
      client: new GitopsClient({ discovery: backend.discovery, auth: mockServices.auth() }),
    });
  });
  afterEach(() => backend.close());

  const posts = () => backend.requests.filter(r => r.method === 'POST');

  it('opens the pipeline as a change request as the user running the template', async () => {
    const ctx = contextFor(input);
    await action.handler(ctx);

    expect(posts()).toHaveLength(1);
    const [post] = posts();
    expect(post.headers.authorization).toBe(
      `Bearer ${mockCredentials.service.token({ onBehalfOf: jane, targetPluginId: 'gitops' })}`,
    );
    expect(post.headers['idempotency-key']).toBe('scaffolder:mock-task-id:mock-step-id');
    expect(post.body).toEqual({
      operation: 'create',
      kind: 'Pipeline',
      namespace: 'team-a',
      name: 'app-logs',
      title: 'Create pipeline team-a/app-logs',
      description: "Logs of team-a's pods to Loki.\n\nRequested through a software template.",
      resource: {
        apiVersion: 'herald.butlerlabs.dev/v1alpha1',
        kind: 'Pipeline',
        metadata: { name: 'app-logs', namespace: 'team-a' },
        spec: {
          owner: 'group:default/team-a',
          description: "Logs of team-a's pods to Loki.",
          sources: input.sources,
          transforms: input.transforms,
          sinks: input.sinks,
        },
      },
    });
    expect(outputsOf(ctx)).toEqual({
      id: 'platform:1',
      number: 1,
      repository: 'platform',
      url: '/changes/platform%3A1',
      branch: 'butler/pipeline/app-logs/1',
      state: 'open',
      // as the (fake) backend placed it: this repository keeps its resources under gitops/
      path: 'gitops/pipelines/team-a/app-logs.yaml',
    });
  });

  it('owner defaults to the user running the template; a dry run only previews the file', async () => {
    const { owner: _owner, transforms: _t, ...rest } = input;
    const ctx = contextFor(
      { ...rest, sinks: { out: { type: 'console', inputs: ['pods'], options: { encoding: { codec: 'json' } } } } },
      { dryRun: true },
    );
    await action.handler(ctx);
    expect(posts()).toHaveLength(0);
    const out = outputsOf(ctx);
    expect(out.state).toBe('dry-run');
    expect(out.path).toBe('pipelines/team-a/app-logs.yaml');
    const file = parse(out.yaml);
    expect(file.spec.owner).toBe('user:default/jane');
    expect(file.spec.transforms).toBeUndefined();
    expect(validatePipeline(out.yaml, { file: out.path }).errors).toEqual([]);
  });

  it('refuses a pipeline the Herald rules reject, with located messages, and opens nothing', async () => {
    const ctx = contextFor({
      ...input,
      sources: { pods: { type: 'host_metrics' } },
    });
    await expect(action.handler(ctx)).rejects.toThrow(
      /Pipeline team-a\/app-logs is invalid:\n {2}- pipelines\/team-a\/app-logs\.yaml:23:11 \/spec\/sinks\/loki\/inputs\/0: spec\.sinks\.loki\.inputs\[0\]: "parse" \(host_metrics source "pods" through remap "parse"\) carries only metrics, but loki sink "loki" accepts only logs/,
    );
    expect(posts()).toHaveLength(0);
  });

  it('refuses a name that cannot be a path and a pasted credential', async () => {
    await expect(action.handler(contextFor({ ...input, name: '../x' }))).rejects.toThrow(/Pipeline team-a\/\.\.\/x/);
    await expect(
      action.handler(
        contextFor({
          ...input,
          sinks: {
            es: {
              type: 'elasticsearch',
              inputs: ['parse'],
              options: { endpoints: ['https://es:9200'], auth: { strategy: 'basic', user: 'u', password: 'hunter2hunter2' } },
            },
          },
        }),
      ),
    ).rejects.toThrow(/auth\.password: holds a credential; write a Vector secret reference/);
    expect(posts()).toHaveLength(0);
  });
});
