/*
 * The graph ⇄ YAML contract of the editor: graph edits are written into the text with the
 * comment-keeping codec, a one-option edit is a one-line diff, and undo gives the text back.
 */
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import { diffLines } from './diffLines';
import { editorReducer, initialEditorState } from './editorState';
import {
  addComponent,
  connect,
  disconnect,
  removeComponents,
  renameComponent,
  setOptions,
  setPositions,
} from './graphOps';
import { newPipelineText, readPipelineText, writePipelineText } from './pipelineText';

const TEXT = `# team-a's application logs
apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: app-logs
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    pod_logs: # every pod of the team
      type: kubernetes_logs
      options:
        extra_namespace_label_selector: team=team-a
  transforms:
    parse_json:
      type: remap
      inputs:
        - pod_logs
      options:
        # keep the original message when it is not JSON
        source: |
          . = parse_json(.message) ?? .
  sinks:
    loki:
      type: loki
      inputs:
        - parse_json
      options:
        endpoint: http://loki.observability.svc:3100 # the team's Loki
        encoding:
          codec: json
        labels:
          app: '{{ kubernetes.pod_labels.app }}'
`;

const changed = (before: string, after: string) =>
  diffLines(before, after).filter(l => l.op !== ' ');

describe('graph edits written into the YAML', () => {
  it('a one-option edit in the form is a one-line diff and keeps every comment', () => {
    const resource = readPipelineText(TEXT)!;
    const loki = resource.spec.sinks.loki;
    const next = writePipelineText(
      TEXT,
      setOptions(resource, { kind: 'sink', id: 'loki' }, {
        ...loki.options,
        endpoint: 'http://loki.other.svc:3100',
      }),
    );
    expect(changed(TEXT, next)).toEqual([
      { op: '-', text: '        endpoint: http://loki.observability.svc:3100 # the team\'s Loki' },
      { op: '+', text: '        endpoint: http://loki.other.svc:3100 # the team\'s Loki' },
    ]);
  });

  it('adding, connecting and moving components keeps the comments of the file', () => {
    let resource = readPipelineText(TEXT)!;
    const added = addComponent(resource, 'sink', 'console', { x: 10.4, y: 20.6 }, {
      encoding: { codec: 'json' },
    });
    resource = connect(added.resource, 'parse_json', added.id);
    resource = setPositions(resource, { pod_logs: { x: 0, y: 0 } });
    const next = writePipelineText(TEXT, resource);
    for (const comment of [
      "# team-a's application logs",
      '# every pod of the team',
      '# keep the original message when it is not JSON',
      "# the team's Loki",
    ]) {
      expect(next).toContain(comment);
    }
    // nothing but additions: the existing lines are untouched
    expect(changed(TEXT, next).every(l => l.op === '+')).toBe(true);
    expect(readPipelineText(next)!.spec.sinks.console).toEqual({
      type: 'console',
      inputs: ['parse_json'],
      options: { encoding: { codec: 'json' } },
    });
    expect(readPipelineText(next)!.spec.layout).toEqual({
      console: { x: 10, y: 21 },
      pod_logs: { x: 0, y: 0 },
    });
    expect(validatePipeline(next).errors).toEqual([]);
  });

  it('removing a component removes the inputs that read from it, named outputs included', () => {
    let resource = readPipelineText(TEXT)!;
    resource = connect(resource, 'parse_json.dropped', 'loki');
    resource = removeComponents(resource, ['parse_json']);
    expect(resource.spec.sinks.loki.inputs).toEqual([]);
    expect(resource.spec.transforms).toEqual({});
    const next = writePipelineText(TEXT, resource);
    expect(next).toContain('# every pod of the team');
    expect(next).not.toContain('parse_json');
  });

  it('disconnecting and renaming rewrite only the inputs concerned', () => {
    let resource = readPipelineText(TEXT)!;
    resource = connect(resource, 'pod_logs', 'loki');
    expect(resource.spec.sinks.loki.inputs).toEqual(['parse_json', 'pod_logs']);
    resource = disconnect(resource, 'loki', 0);
    expect(resource.spec.sinks.loki.inputs).toEqual(['pod_logs']);
    resource = renameComponent(resource, 'pod_logs', 'pods');
    expect(resource.spec.sinks.loki.inputs).toEqual(['pods']);
    expect(resource.spec.transforms!.parse_json.inputs).toEqual(['pods']);
    // a taken id is refused
    expect(renameComponent(resource, 'pods', 'loki')).toBe(resource);
  });

  it('a new pipeline gains its first components as block mappings', () => {
    const text = newPipelineText({ namespace: 'team-a', name: 'demo', owner: 'group:default/team-a' });
    let resource = readPipelineText(text)!;
    const source = addComponent(resource, 'source', 'demo_logs', undefined, { format: 'json' });
    const sink = addComponent(source.resource, 'sink', 'blackhole');
    resource = connect(sink.resource, source.id, sink.id);
    const next = writePipelineText(text, resource);
    expect(next).toContain('  sources:\n    demo_logs:\n      type: demo_logs\n');
    // sections stay in reading order; the unused one stays empty
    expect(next.indexOf('  sources:')).toBeLessThan(next.indexOf('  transforms: {}'));
    expect(next.indexOf('  transforms: {}')).toBeLessThan(next.indexOf('  sinks:'));
    expect(validatePipeline(next).errors).toEqual([]);
  });
});

describe('editor state', () => {
  it('typing settles into one undo step; graph edits are undone and redone as texts', () => {
    let state = initialEditorState(TEXT);
    state = editorReducer(state, { type: 'type', text: TEXT.replace('team=team-a', 'team=team-b') });
    expect(state.settled).toBe(TEXT);
    state = editorReducer(state, { type: 'settle' });
    expect(state.settled).toContain('team=team-b');
    const typed = state.text;
    state = editorReducer(state, {
      type: 'graph',
      edit: r => removeComponents(r, ['loki']),
    });
    expect(state.text).not.toContain('loki:');
    expect(state.text).toContain('# every pod of the team');
    state = editorReducer(state, { type: 'undo' });
    expect(state.text).toBe(typed);
    state = editorReducer(state, { type: 'undo' });
    expect(state.text).toBe(TEXT);
    state = editorReducer(state, { type: 'redo' });
    expect(state.text).toBe(typed);
  });

  it('refuses graph edits while the YAML does not parse, saying why', () => {
    let state = initialEditorState('spec: [unclosed');
    state = editorReducer(state, { type: 'graph', edit: r => r });
    expect(state.error).toMatch(/does not parse/);
    expect(state.text).toBe('spec: [unclosed');
  });
});
