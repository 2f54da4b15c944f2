import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  gitopsApiRef,
  rootRouteRef as changesRouteRef,
} from '@butler-portal/plugin-gitops-react';
import { aChangeDetail, mockGitopsApi } from '@butler-portal/plugin-gitops-react/testUtils';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { APP_LOGS_YAML, BROKEN_YAML, REVISION } from '../__testUtils__/fixtures';
import { EditorView } from '@uiw/react-codemirror';
import { rootRouteRef } from '../routes';
import { PipelineEditor } from './PipelineEditor';

function renderEditor(yaml: string, gitopsApi = mockGitopsApi()) {
  renderInTestApp(
    <PipelineEditor
      mode="edit"
      initialText={yaml}
      original={yaml}
      file="pipelines/team-a/app-logs.yaml"
      baseRevision={REVISION}
    />,
    {
      apis: [[gitopsApiRef, gitopsApi]],
      mountedRoutes: { '/pipelines': rootRouteRef, '/changes': changesRouteRef },
    },
  );
  return gitopsApi;
}

describe('PipelineEditor', () => {
  it('draws the components and puts a type error on the edge it concerns before anything is saved', async () => {
    renderEditor(BROKEN_YAML);
    const loki = await screen.findByTestId('node-loki');
    expect(loki).toHaveAttribute('data-state', 'ok');
    const edge = await screen.findByTestId('edge-loki-0');
    expect(edge).toHaveAttribute('data-state', 'error');
    expect(edge).toHaveTextContent('metrics');
    expect(screen.getByTestId('edge-parse_json-0')).toHaveAttribute('data-state', 'ok');
    expect(screen.getByTestId('validation-state')).toHaveTextContent('1 error');
    expect(
      screen.getByText(/^spec\.sinks\.loki\.inputs\[0\]: "parse_json" \(host_metrics source "pod_logs" through remap "parse_json"\) carries only metrics/),
    ).toBeInTheDocument();
    // Save waits for a valid pipeline
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(screen.getByTestId('save-state')).toHaveTextContent('Fix 1 error before saving.');

    // the issue in the list selects its edge; the edge's panel removes the connection
    fireEvent.click(screen.getByText(/^spec\.sinks\.loki\.inputs\[0\]: "parse_json" \(host_metrics/));
    const panel = await screen.findByRole('region', { name: 'Connection parse_json to loki' });
    expect(panel).toHaveTextContent('parse_json: carries metrics; loki drops metrics');
    fireEvent.click(within(panel).getByRole('button', { name: 'Remove connection' }));
    await waitFor(() => expect(screen.queryByTestId('edge-loki-0')).not.toBeInTheDocument());
    expect(screen.getByText(/^spec\.sinks\.loki\.inputs: a sink needs at least one input/)).toBeInTheDocument();
  });

  it('an option changed in the form is a one-line change request, based on the revision read', async () => {
    const gitopsApi = mockGitopsApi();
    gitopsApi.openChange.mockResolvedValue({
      id: 'platform:14',
      number: 14,
      repository: 'platform',
      branch: 'butler/pipeline/app-logs/1',
      state: 'open',
    });
    gitopsApi.getChange.mockResolvedValue(
      aChangeDetail({
        id: 'platform:14',
        number: 14,
        files: [
          {
            path: 'pipelines/team-a/app-logs.yaml',
            status: 'modified',
            diff: '-        endpoint: http://loki.observability.svc:3100\n+        endpoint: http://loki.other.svc:3100',
          },
        ],
      }),
    );
    renderEditor(APP_LOGS_YAML, gitopsApi);

    fireEvent.click(await screen.findByTestId('node-loki'));
    const panel = await screen.findByRole('region', { name: 'Component loki' });
    const endpoint = within(panel).getByRole('textbox', { name: /^endpoint/ });
    expect(endpoint).toHaveValue('http://loki.observability.svc:3100');
    fireEvent.change(endpoint, { target: { value: 'http://loki.other.svc:3100' } });
    fireEvent.blur(endpoint);

    // the preview shows exactly one changed line, its comment kept
    const preview = await screen.findByTestId('diff-preview');
    const changed = preview.textContent!.split('\n').length;
    expect(changed).toBeGreaterThan(0);
    const lines = [...preview.querySelectorAll('div > div')].map(d => d.textContent);
    expect(lines.filter(l => l!.startsWith('-') || l!.startsWith('+'))).toEqual([
      "-        endpoint: http://loki.observability.svc:3100 # the team's Loki",
      "+        endpoint: http://loki.other.svc:3100 # the team's Loki",
    ]);

    await waitFor(() => expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled());
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(gitopsApi.openChange).toHaveBeenCalledTimes(1));
    const [request, options] = gitopsApi.openChange.mock.calls[0];
    expect(request).toMatchObject({
      operation: 'update',
      kind: 'Pipeline',
      namespace: 'team-a',
      name: 'app-logs',
      baseRevision: REVISION,
      title: 'Edit pipeline team-a/app-logs',
    });
    expect(request.yaml).toBe(
      APP_LOGS_YAML.replace('http://loki.observability.svc:3100', 'http://loki.other.svc:3100'),
    );
    expect(options?.idempotencyKey).toEqual(expect.any(String));

    const opened = await screen.findByRole('status', { name: 'Change request opened' });
    expect(within(opened).getByRole('link', { name: '#14' })).toHaveAttribute('href', '/changes/platform%3A14');
    expect(await within(opened).findByTestId('change-validation')).toHaveTextContent('Validation: passed');
    expect(within(opened).getByTestId('change-diff').textContent).toContain(
      '+        endpoint: http://loki.other.svc:3100',
    );
  });

  it('palette, connect through the inputs list, delete and undo: the YAML follows and keeps its comments', async () => {
    renderEditor(APP_LOGS_YAML);
    await screen.findByTestId('node-loki');

    // the palette filters by search text and kind
    fireEvent.change(screen.getByRole('textbox', { name: 'Search components' }), {
      target: { value: 'consol' },
    });
    expect(screen.getByTestId('palette-sink-console')).toBeInTheDocument();
    expect(screen.queryByTestId('palette-sink-loki')).not.toBeInTheDocument();
    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'source' } });
    expect(screen.getByText('No component type matches')).toBeInTheDocument();
    fireEvent.change(screen.getByRole('combobox', { name: 'Kind' }), { target: { value: 'sink' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add sink console' }));

    // the new sink is selected; it has no inputs and no encoding yet: issues on the node
    const panel = await screen.findByRole('region', { name: 'Component console' });
    await waitFor(() =>
      expect(screen.getByTestId('node-console')).toHaveAttribute('data-state', 'error'),
    );
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Add input' }), {
      target: { value: 'parse_json' },
    });
    fireEvent.change(within(panel).getByRole('combobox', { name: /^codec/ }), {
      target: { value: 'json' },
    });
    await waitFor(() =>
      expect(screen.getByTestId('node-console')).toHaveAttribute('data-state', 'ok'),
    );
    expect(await screen.findByTestId('edge-console-0')).toHaveTextContent('logs');

    // the YAML view shows the same pipeline, comments kept
    fireEvent.click(screen.getByRole('tab', { name: 'YAML' }));
    const editor = await screen.findByTestId('yaml-editor');
    // CodeMirror draws only the lines in view; its document holds the whole text
    const doc = () =>
      EditorView.findFromDOM(editor.querySelector('.cm-editor') as HTMLElement)!.state.doc.toString();
    expect(doc()).toContain(
      ['  console:', '      type: console', '      inputs:', '        - parse_json', '      options:', '        encoding:', '          codec: json'].join('\n'),
    );
    expect(doc()).toContain("# team-a's application logs");
    expect(doc()).toContain('# every pod of the team');
    expect(doc()).toContain("# the team's Loki");

    // back to the graph: delete the console sink, then undo
    fireEvent.click(screen.getByRole('tab', { name: 'Visual builder' }));
    fireEvent.click(await screen.findByTestId('node-console'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete component console' }));
    await waitFor(() => expect(screen.queryByTestId('node-console')).not.toBeInTheDocument());
    // Ctrl+Z in the canvas undoes, Ctrl+Shift+Z redoes; the toolbar does the same
    const canvas = screen.getByTestId('pipeline-canvas');
    fireEvent.keyDown(canvas, { key: 'z', ctrlKey: true });
    expect(await screen.findByTestId('node-console')).toBeInTheDocument();
    fireEvent.keyDown(canvas, { key: 'Z', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(screen.queryByTestId('node-console')).not.toBeInTheDocument());
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    expect(await screen.findByTestId('node-console')).toBeInTheDocument();
  });

  it('typing in the YAML editor moves the graph after a pause, and marks issues at line:col', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      renderEditor(APP_LOGS_YAML);
      await screen.findByTestId('node-loki');
      fireEvent.click(screen.getByRole('tab', { name: 'YAML' }));
      await screen.findByTestId('yaml-editor');
      const view = EditorView.findFromDOM(document.querySelector('.cm-editor') as HTMLElement)!;
      const from = view.state.doc.toString().indexOf('type: kubernetes_logs') + 'type: '.length;
      act(() => {
        view.dispatch({ changes: { from, to: from + 'kubernetes_logs'.length, insert: 'host_metrics' } });
      });
      expect(screen.getByTestId('validation-state')).toHaveTextContent('typing…');
      await act(async () => {
        jest.advanceTimersByTime(400);
      });
      await waitFor(() => expect(screen.getByTestId('validation-state')).toHaveTextContent('1 error'));
      // a lint marker where the issue is: the first input of loki
      await waitFor(() => expect(document.querySelector('.cm-lintRange-error')).not.toBeNull());
      expect(document.querySelector('.cm-lintRange-error')!.textContent).toBe('parse_json');
      fireEvent.click(screen.getByRole('tab', { name: 'Visual builder' }));
      expect(await screen.findByTestId('edge-loki-0')).toHaveAttribute('data-state', 'error');
      expect(screen.getByTestId('node-pod_logs')).toHaveTextContent('host_metrics');
    } finally {
      jest.useRealTimers();
    }
  });
});
