import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import { EditorView } from '@uiw/react-codemirror';
import { readPipelineText } from '../lib/pipelineText';
import { APP_LOGS_YAML } from '../__testUtils__/fixtures';
import { PipelineEntityContent } from './PipelineEntityContent';

describe('PipelineEntityContent', () => {
  it('draws the graph and the rendered config of the entity spec', async () => {
    const resource = readPipelineText(APP_LOGS_YAML)!;
    const entity = {
      apiVersion: resource.apiVersion,
      kind: 'Pipeline',
      metadata: {
        name: 'app-logs',
        namespace: 'team-a',
        annotations: { 'backstage.io/managed-by-location': 'url:x' },
      },
      spec: resource.spec,
    };
    await renderInTestApp(
      <EntityProvider entity={entity as any}>
        <PipelineEntityContent />
      </EntityProvider>,
    );
    expect(await screen.findByTestId('node-loki')).toBeInTheDocument();
    expect(screen.getByTestId('edge-loki-0')).toHaveTextContent('logs');
    const rendered = screen.getByRole('region', { name: 'Rendered Vector configuration' });
    const doc = EditorView.findFromDOM(rendered.querySelector('.cm-editor') as HTMLElement)!.state.doc.toString();
    expect(doc).toContain('team-a_app-logs_pod_logs:');
  });
});
