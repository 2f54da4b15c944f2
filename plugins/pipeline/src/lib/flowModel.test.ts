/*
 * The graph the canvas draws: handles for named outputs, edges with their event types, and
 * every validation issue on the node or edge it concerns.
 */
import { validatePipeline } from '@butler-portal/plugin-pipeline-common';
import { connectionRef, toFlowModel } from './flowModel';
import { readPipelineText } from './pipelineText';

const TEXT = `apiVersion: herald.butlerlabs.dev/v1alpha1
kind: Pipeline
metadata:
  name: split
  namespace: team-a
spec:
  owner: group:default/team-a
  sources:
    app:
      type: demo_logs
      options:
        format: json
    host:
      type: host_metrics
  transforms:
    split:
      type: route
      inputs:
        - app
      options:
        route:
          errors: .level == "error"
  sinks:
    errors_out:
      type: console
      inputs:
        - split.errors
      options:
        encoding:
          codec: json
    rest:
      type: loki
      inputs:
        - split._unmatched
        - host
        - nowhere
      options:
        endpoint: http://loki:3100
        encoding:
          codec: json
        labels:
          app: x
        endpont: typo
`;

function model(text = TEXT) {
  const result = validatePipeline(text);
  return { result, model: toFlowModel(readPipelineText(text)!.spec, [...result.errors, ...result.warnings]) };
}

describe('toFlowModel', () => {
  it('gives route one handle per route plus _unmatched, and edges from the named handles', () => {
    const { model: m } = model();
    const split = m.nodes.find(n => n.id === 'split')!;
    expect(split.data.outputs).toEqual([
      { handle: 'errors', ref: 'split.errors' },
      { handle: '_unmatched', ref: 'split._unmatched' },
    ]);
    expect(m.nodes.find(n => n.id === 'app')!.data.outputs).toEqual([{ handle: 'default', ref: 'app' }]);
    const toErrors = m.edges.find(e => e.target === 'errors_out')!;
    expect(toErrors).toMatchObject({ source: 'split', sourceHandle: 'errors', targetHandle: 'in' });
    expect(toErrors.data.types).toEqual(['logs']);
    expect(connectionRef('split', 'errors')).toBe('split.errors');
    expect(connectionRef('app', 'default')).toBe('app');
  });

  it('puts each issue on the edge or node it concerns', () => {
    const { result, model: m } = model();
    const messages = [...result.errors, ...result.warnings].map(i => i.message);
    // host_metrics into loki: the edge of inputs[1]
    const hostEdge = m.edges.find(e => e.target === 'rest' && e.data.inputIndex === 1)!;
    expect(hostEdge.data.issues.map(i => i.message)).toEqual([
      expect.stringMatching(/^spec\.sinks\.rest\.inputs\[1\]: "host" .*carries only metrics/),
    ]);
    // the other edges into rest carry no issue
    expect(m.edges.find(e => e.target === 'rest' && e.data.inputIndex === 0)!.data.issues).toEqual([]);
    // an unknown input has no edge: it shows on its consumer, with the option typo
    const rest = m.nodes.find(n => n.id === 'rest')!;
    expect(rest.data.issues.map(i => i.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^spec\.sinks\.rest\.inputs\[2\]: input "nowhere" is not a source or transform/),
        expect.stringMatching(/^spec\.sinks\.rest\.options\.endpont: unknown option "endpont"/),
      ]),
    );
    expect(m.nodes.find(n => n.id === 'app')!.data.issues).toEqual([]);
    // every issue is placed somewhere
    const placed = [
      ...m.nodes.flatMap(n => n.data.issues),
      ...m.edges.flatMap(e => e.data.issues),
      ...m.pipelineIssues,
    ].map(i => i.message);
    expect(placed.sort()).toEqual([...messages].sort());
  });

  it('keeps stored positions and lays out the rest with dagre, left to right', () => {
    const text = TEXT.replace('  sinks:', '  layout:\n    app:\n      x: 5\n      y: 7\n  sinks:');
    const { model: m } = model(text);
    expect(m.nodes.find(n => n.id === 'app')!.position).toEqual({ x: 5, y: 7 });
    const x = (id: string) => m.nodes.find(n => n.id === id)!.position.x;
    expect(x('split')).toBeLessThan(x('errors_out'));
    const { model: auto } = model();
    const ax = (id: string) => auto.nodes.find(n => n.id === id)!.position.x;
    expect(ax('app')).toBeLessThan(ax('split'));
    expect(ax('split')).toBeLessThan(ax('errors_out'));
  });
});
