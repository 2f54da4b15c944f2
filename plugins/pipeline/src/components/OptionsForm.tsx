/*
 * The options form of one component, generated from its JSON Schema (lib/optionFields): tags
 * of tagged choices first (codec, format, ...), then required options, then the others, the
 * advanced ones folded away. Text is committed on blur or Enter, so typing does not rewrite
 * the YAML on every keystroke; choices are committed at once.
 */
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useEffect, useId, useState } from 'react';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  chooseTag,
  fieldSchema,
  isObject,
  type ObjectForm,
  type OptionField,
} from '../lib/optionFields';

const useStyles = makeStyles(theme => ({
  form: { display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) },
  fieldset: {
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: 4,
    padding: theme.spacing(1),
    margin: 0,
  },
  summary: { cursor: 'pointer', fontSize: 13, color: theme.palette.text.secondary },
  checkbox: { marginLeft: 0 },
}));

type Value = Record<string, unknown>;

function withField(value: Value, key: string, next: unknown): Value {
  const out = { ...value };
  if (next === undefined || next === '' || (isObject(next) && Object.keys(next).length === 0)) {
    delete out[key];
  } else {
    out[key] = next;
  }
  return out;
}

function short(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const first = text.split('\n')[0].replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1');
  return first.length > 140 ? `${first.slice(0, 137)}…` : first;
}

/** A text input holding its own draft until blur or Enter. */
function DraftField(props: {
  label: string;
  required: boolean;
  value: string;
  multiline?: boolean;
  type?: string;
  placeholder?: string;
  helperText?: string;
  error?: string;
  onCommit: (text: string) => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState(props.value);
  useEffect(() => setDraft(props.value), [props.value]);
  const commit = () => {
    if (draft !== props.value) props.onCommit(draft);
  };
  return (
    <TextField
      id={id}
      label={props.label}
      required={props.required}
      size="small"
      variant="outlined"
      fullWidth
      type={props.type}
      multiline={props.multiline}
      minRows={props.multiline ? 2 : undefined}
      maxRows={props.multiline ? 12 : undefined}
      value={draft}
      placeholder={props.placeholder}
      helperText={props.error ?? props.helperText}
      error={!!props.error}
      onChange={e => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={e => {
        if (e.key === 'Enter' && !props.multiline) commit();
      }}
      inputProps={{ 'data-option': props.label }}
    />
  );
}

function YamlField(props: { field: OptionField; value: unknown; onChange: (v: unknown) => void }) {
  const { field } = props;
  const text =
    props.value === undefined ? '' : stringifyYaml(props.value, { lineWidth: 0 }).replace(/\n$/, '');
  const [error, setError] = useState<string>();
  return (
    <DraftField
      label={field.key}
      required={field.required}
      value={text}
      multiline
      helperText={`YAML · ${short(field.description) ?? ''}`}
      error={error}
      onCommit={t => {
        if (t.trim() === '') {
          setError(undefined);
          props.onChange(undefined);
          return;
        }
        try {
          props.onChange(parseYaml(t));
          setError(undefined);
        } catch (e) {
          setError(`not YAML: ${(e as Error).message.split('\n')[0]}`);
        }
      }}
    />
  );
}

function FieldInput(props: {
  field: OptionField;
  value: unknown;
  schema: Record<string, any>;
  onChange: (next: unknown) => void;
  path: string;
}) {
  const { field, value, onChange } = props;
  const classes = useStyles();
  const id = useId();
  const helper = short(field.description);
  const input = field.input;
  switch (input.control) {
    case 'text':
      return (
        <DraftField
          label={field.key}
          required={field.required}
          value={value === undefined ? '' : String(value)}
          placeholder={field.example}
          helperText={helper}
          onCommit={t => onChange(t === '' ? undefined : t)}
        />
      );
    case 'number':
      return (
        <DraftField
          label={field.key}
          required={field.required}
          type="number"
          value={value === undefined ? '' : String(value)}
          placeholder={field.example ?? (field.default !== undefined ? String(field.default) : undefined)}
          helperText={helper}
          onCommit={t => {
            if (t.trim() === '') onChange(undefined);
            else {
              const n = Number(t);
              if (!Number.isFinite(n)) onChange(t); // kept as typed: validation says what is wrong
              else onChange(input.integer ? Math.trunc(n) : n);
            }
          }}
        />
      );
    case 'boolean':
      return (
        <FormControlLabel
          className={classes.checkbox}
          control={
            <Checkbox
              size="small"
              checked={value === true}
              indeterminate={value === undefined}
              onChange={e => onChange(e.target.checked)}
              inputProps={{ 'aria-label': field.key }}
            />
          }
          label={`${field.key}${value === undefined ? ' (default)' : ''}`}
          title={helper}
        />
      );
    case 'select':
      return (
        <TextField
          id={id}
          select
          label={field.key}
          required={field.required}
          size="small"
          variant="outlined"
          fullWidth
          value={value === undefined ? '' : String(value)}
          helperText={helper}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          onChange={e => onChange(e.target.value === '' ? undefined : e.target.value)}
        >
          <option value="">{field.required ? '— choose —' : '(default)'}</option>
          {input.values.map(v => (
            <option key={v} value={v}>
              {v}
            </option>
          ))}
        </TextField>
      );
    case 'lines':
      return (
        <DraftField
          label={field.key}
          required={field.required}
          multiline
          value={Array.isArray(value) ? value.map(String).join('\n') : ''}
          helperText={`one per line · ${helper ?? ''}`}
          onCommit={t => {
            const lines = t.split('\n').map(l => l.trim()).filter(Boolean);
            onChange(lines.length ? lines : undefined);
          }}
        />
      );
    case 'object': {
      const objectValue = isObject(value) ? value : {};
      return (
        <fieldset className={classes.fieldset} aria-label={props.path}>
          <Typography variant="caption" component="legend">
            {field.key}
            {field.required ? ' *' : ''}
          </Typography>
          <OptionsForm
            form={input.form}
            schema={fieldSchema(props.schema, field.key, objectValue)}
            value={objectValue}
            onChange={onChange}
            path={props.path}
          />
        </fieldset>
      );
    }
    default:
      return <YamlField field={field} value={value} onChange={onChange} />;
  }
}

export interface OptionsFormProps {
  form: ObjectForm;
  /** the schema the form was made from (to switch tagged alternatives) */
  schema: Record<string, any>;
  value: Value;
  onChange: (next: Value) => void;
  /** dotted path of this object inside `options` ('' at the top) */
  path?: string;
}

export function OptionsForm(props: OptionsFormProps) {
  const classes = useStyles();
  const id = useId();
  const { form, value, onChange, schema } = props;
  const prefix = props.path ? `${props.path}.` : '';
  const field = (f: OptionField) => (
    <FieldInput
      key={f.key}
      field={f}
      value={value[f.key]}
      schema={schema}
      path={`${prefix}${f.key}`}
      onChange={next => onChange(withField(value, f.key, next))}
    />
  );
  const main = form.fields.filter(f => !f.advanced || value[f.key] !== undefined);
  const advanced = form.fields.filter(f => f.advanced && value[f.key] === undefined);
  return (
    <div className={classes.form}>
      {form.tags.map(tag => (
        <TextField
          key={tag.key}
          id={`${id}-${tag.key}`}
          select
          required
          label={tag.key}
          size="small"
          variant="outlined"
          fullWidth
          value={String(value[tag.key] ?? '')}
          helperText={short(tag.description)}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          onChange={e =>
            onChange(
              e.target.value === ''
                ? withField(value, tag.key, undefined)
                : chooseTag(schema, value, tag.key, e.target.value),
            )
          }
        >
          <option value="">— choose —</option>
          {tag.values.map(v => (
            <option key={v.value} value={v.value}>
              {v.value}
            </option>
          ))}
        </TextField>
      ))}
      {main.map(field)}
      {advanced.length > 0 && (
        <details>
          <summary className={classes.summary}>Advanced options ({advanced.length})</summary>
          <div className={classes.form} style={{ marginTop: 8 }}>
            {advanced.map(field)}
          </div>
        </details>
      )}
    </div>
  );
}
