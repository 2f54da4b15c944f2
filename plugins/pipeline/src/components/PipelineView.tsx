/*
 * A pipeline shown read-only: its graph with the event types on each edge and its issues on
 * the nodes and edges, and the Vector configuration the reconciler delivers (or why nothing is
 * rendered). The pipeline page and the catalog entity tab both use it.
 */
import {
  renderPipelineFile,
  type PipelineIssue,
} from '@butler-portal/plugin-pipeline-common';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import { useMemo } from 'react';
import { toFlowModel } from '../lib/flowModel';
import { readPipelineText } from '../lib/pipelineText';
import { IssueList } from './IssueList';
import { PipelineCanvas } from './PipelineCanvas';
import { YamlEditor } from './YamlEditor';

export function PipelineView(props: { yaml: string; file?: string }) {
  const rendering = useMemo(() => renderPipelineFile(props.yaml, { file: props.file }), [props.yaml, props.file]);
  const issues: PipelineIssue[] = useMemo(
    () => [...(rendering.ok ? [] : rendering.errors), ...rendering.warnings],
    [rendering],
  );
  const resource = useMemo(() => readPipelineText(props.yaml), [props.yaml]);
  const model = useMemo(
    () => (resource ? toFlowModel(resource.spec, issues) : undefined),
    [resource, issues],
  );
  return (
    <Grid container spacing={2}>
      <Grid item xs={12} lg={7}>
        <Paper variant="outlined">
          <Typography variant="h6" style={{ padding: '8px 16px' }}>
            Graph
          </Typography>
          {model ? (
            <PipelineCanvas model={model} height={460} />
          ) : (
            <Typography style={{ padding: 16 }}>The file does not parse.</Typography>
          )}
        </Paper>
        <IssueList issues={issues} />
      </Grid>
      <Grid item xs={12} lg={5}>
        <Paper variant="outlined" aria-label="Rendered Vector configuration" role="region">
          <Typography variant="h6" style={{ padding: '8px 16px' }}>
            Rendered Vector configuration
            {rendering.ok && (
              <Typography variant="body2" color="textSecondary" component="span">
                {' '}
                · {rendering.rendered.fileName}
              </Typography>
            )}
          </Typography>
          {rendering.ok ? (
            <YamlEditor value={rendering.rendered.yaml} readOnly height="460px" ariaLabel="Rendered Vector configuration YAML" />
          ) : (
            <Typography color="error" style={{ padding: 16 }} role="alert">
              Not rendered: {rendering.errors.length} error{rendering.errors.length > 1 ? 's' : ''} in the
              pipeline (the reconciler keeps delivering what it last could).
            </Typography>
          )}
        </Paper>
      </Grid>
    </Grid>
  );
}
