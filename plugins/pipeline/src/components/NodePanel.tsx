/*
 * The side panel of the builder for the selected component (id, inputs, the options form, its
 * issues, delete) or the selected edge (types carried, accepted, dropped; its issues; remove).
 */
import type {
  ComponentKind,
  PipelineIssue,
  PipelineResource,
} from '@butler-portal/plugin-pipeline-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import DeleteIcon from '@material-ui/icons/Delete';
import { useEffect, useId, useMemo, useState } from 'react';
import { SECTION_OF } from '../lib/graphOps';
import type { FlowModel } from '../lib/flowModel';
import { componentSchema, optionsForm } from '../lib/optionFields';
import { IssueList } from './IssueList';
import { OptionsForm } from './OptionsForm';

const useStyles = makeStyles(theme => ({
  panel: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) },
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) },
}));

export interface ComponentPanelProps {
  resource: PipelineResource;
  model: FlowModel;
  id: string;
  kind: ComponentKind;
  issues: readonly PipelineIssue[];
  onRename: (to: string) => void;
  onInputs: (inputs: string[]) => void;
  onOptions: (options: Record<string, unknown>) => void;
  onDelete: () => void;
}

export function ComponentPanel(props: ComponentPanelProps) {
  const classes = useStyles();
  const { resource, id, kind } = props;
  const component = (resource.spec as any)[SECTION_OF[kind]]?.[id] as
    | { type: string; inputs?: string[]; options?: Record<string, unknown> }
    | undefined;
  const fieldId = useId();
  const [name, setName] = useState(id);
  useEffect(() => setName(id), [id]);
  const options = useMemo(() => component?.options ?? {}, [component?.options]);
  const form = useMemo(
    () => (component ? optionsForm(kind, component.type, options) : undefined),
    [kind, component, options],
  );
  if (!component) return null;
  const inputs = component.inputs ?? [];
  const available = props.model.nodes
    .filter(n => n.id !== id)
    .flatMap(n => n.data.outputs.map(o => o.ref))
    .filter(ref => !inputs.includes(ref));
  return (
    <div className={classes.panel} aria-label={`Component ${id}`} role="region">
      <Typography variant="subtitle2">
        {kind} · {component.type}
      </Typography>
      <TextField
        id={`${fieldId}-id`}
        label="Component id"
        size="small"
        variant="outlined"
        value={name}
        onChange={e => setName(e.target.value)}
        onBlur={() => name !== id && props.onRename(name)}
        onKeyDown={e => e.key === 'Enter' && name !== id && props.onRename(name)}
        helperText="letters, digits, _ and -; unique in the pipeline"
      />
      {kind !== 'source' && (
        <div>
          <Typography variant="caption">Inputs</Typography>
          <div className={classes.chips}>
            {inputs.map((input, i) => (
              <Chip
                key={`${input}:${i}`}
                size="small"
                label={input}
                onDelete={() => props.onInputs(inputs.filter((_, j) => j !== i))}
              />
            ))}
            {inputs.length === 0 && (
              <Typography variant="body2" color="textSecondary">
                none yet — connect an output to this component
              </Typography>
            )}
          </div>
          {available.length > 0 && (
            <TextField
              id={`${fieldId}-add-input`}
              select
              label="Add input"
              size="small"
              variant="outlined"
              fullWidth
              value=""
              style={{ marginTop: 8 }}
              SelectProps={{ native: true }}
              InputLabelProps={{ shrink: true }}
              onChange={e => e.target.value && props.onInputs([...inputs, e.target.value])}
            >
              <option value="">— output —</option>
              {available.map(ref => (
                <option key={ref} value={ref}>
                  {ref}
                </option>
              ))}
            </TextField>
          )}
        </div>
      )}
      <IssueList issues={props.issues} label={`Issues of ${id}`} />
      {form ? (
        <OptionsForm
          form={form}
          schema={componentSchema(kind, component.type)!}
          value={options}
          onChange={props.onOptions}
        />
      ) : (
        <Typography variant="body2" color="error">
          Vector has no {kind} type "{component.type}"; edit it in YAML.
        </Typography>
      )}
      <Button
        startIcon={<DeleteIcon />}
        variant="outlined"
        onClick={props.onDelete}
        aria-label={`Delete component ${id}`}
      >
        Delete component
      </Button>
    </div>
  );
}

export function EdgePanel(props: {
  model: FlowModel;
  to: string;
  inputIndex: number;
  issues: readonly PipelineIssue[];
  onRemove: () => void;
}) {
  const classes = useStyles();
  const edges = props.model.edges.filter(
    e => e.data.to === props.to && e.data.inputIndex === props.inputIndex,
  );
  if (edges.length === 0) return null;
  const d = edges[0].data;
  return (
    <div className={classes.panel} aria-label={`Connection ${d.input} to ${d.to}`} role="region">
      <Typography variant="subtitle2">
        {d.input} → {d.to}
      </Typography>
      {edges.map(e => (
        <Typography key={e.id} variant="body2">
          {e.data.from}: carries {e.data.types.join(', ') || 'nothing'}
          {e.data.dropped.length > 0 && `; ${e.data.to} drops ${e.data.dropped.join(', ')}`}
        </Typography>
      ))}
      <IssueList issues={props.issues} label={`Issues of ${d.input} to ${d.to}`} />
      <Button startIcon={<DeleteIcon />} variant="outlined" onClick={props.onRemove}>
        Remove connection
      </Button>
    </div>
  );
}
