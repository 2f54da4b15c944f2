import { parse } from 'yaml';
import {
  parseResourceYaml,
  type GitOpsResource,
} from '@butler-portal/plugin-gitops-common';
import { RenderRefusedError } from '../../render/renderStep';
import { vectorRenderStep } from './vectorRenderStep';
import { VECTOR_FILE_MARKER, deliveredComponents } from './vectorObject';
import {
  pipelineYaml,
  typeMismatchPipelineYaml,
  vectorConfigValidator,
} from './__testUtils__/pipelines';

function resourceOf(text: string): GitOpsResource {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error('does not parse');
  return parsed.yaml.value as unknown as GitOpsResource;
}

const ref = { kind: 'Pipeline' as const, namespace: 'team-a', name: 'app' };
const source = (content: string) => ({
  path: 'pipelines/team-a/app.yaml',
  content,
  blob: 'b1',
});

describe('vectorRenderStep', () => {
  it('renders a pipeline to its file: marker line, namespaced ids, valid under the Vector schema', () => {
    const text = pipelineYaml('team-a', 'app');
    const object = vectorRenderStep()(resourceOf(text), ref, source(text));
    expect(object.metadata).toEqual({
      namespace: 'team-a',
      name: 'app',
      labels: { 'portal.butlerlabs.dev/managed-by': 'butler-portal' },
    });
    expect(object.spec.fileName).toBe('team-a_app.yaml');
    const content: string = object.spec.content;
    expect(content.split('\n')[0]).toBe(VECTOR_FILE_MARKER);
    expect(deliveredComponents(content)).toEqual([
      { id: 'team-a_app_app', kind: 'source', type: 'demo_logs' },
      { id: 'team-a_app_tag', kind: 'transform', type: 'remap' },
      { id: 'team-a_app_out', kind: 'sink', type: 'console' },
    ]);
    const validate = vectorConfigValidator();
    expect(validate(parse(content))).toBe(true);
  });

  it('refuses a pipeline failing the Herald rules with its located errors', () => {
    const text = typeMismatchPipelineYaml('team-a', 'app');
    let refusal: unknown;
    try {
      vectorRenderStep()(resourceOf(text), ref, source(text));
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(RenderRefusedError);
    expect((refusal as RenderRefusedError).issues).toEqual([
      expect.objectContaining({
        file: 'pipelines/team-a/app.yaml',
        path: '/spec/sinks/out/inputs/0',
        line: 15,
        column: 11,
        message: expect.stringMatching(
          /^spec\.sinks\.out\.inputs\[0\]: "host" .* carries only metrics, but console sink "out" accepts only logs/,
        ),
      }),
    ]);
  });

  it('renders a file once per blob, refusals included', () => {
    const step = vectorRenderStep();
    const text = pipelineYaml('team-a', 'app');
    const first = step(resourceOf(text), ref, source(text));
    // same path and blob: the cached object, whatever content is passed
    expect(
      step(resourceOf(text), ref, { ...source('ignored'), blob: 'b1' }),
    ).toBe(first);
    const bad = typeMismatchPipelineYaml('team-a', 'app');
    const refused = () =>
      step(resourceOf(bad), ref, { ...source(bad), blob: 'b2' });
    expect(refused).toThrow(RenderRefusedError);
    expect(refused).toThrow(RenderRefusedError);
  });

  it('refuses kinds other than Pipeline', () => {
    const text = pipelineYaml('team-a', 'app');
    const resource = {
      ...resourceOf(text),
      kind: 'Workspace',
    } as GitOpsResource;
    expect(() => vectorRenderStep()(resource, ref, source(text))).toThrow(
      'Workspace is not delivered to Vector; only Pipelines are',
    );
  });
});
