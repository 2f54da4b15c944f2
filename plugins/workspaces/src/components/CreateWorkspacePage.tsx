/*
 * Ask for a workspace: pick a WorkspaceTemplate, name it, size it within the template's limits,
 * and submit — which opens a change request adding the Workspace file. Every field is checked
 * as it is typed with the validator the backend runs on the change.
 */
import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  storageApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  gitopsApiRef,
  type OpenedChange,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { useCurrentUser, useWorkspacesConfig } from '../hooks';
import { loadSavedKeys, saveKeys } from '../lib/keyStore';
import { templateInfo, type TemplateInfo } from '../lib/templates';
import { isParsed } from '../lib/workspaces';
import {
  applyTemplate,
  buildWorkspace,
  emptyForm,
  issueErrors,
  splitKeys,
  validateForm,
  type FieldErrors,
  type FieldName,
  type WorkspaceFormValues,
} from '../lib/workspaceForm';
import { workspaceRouteRef } from '../routes';
import { OpenedChangeNotice } from './Status';
import { RepositoriesField, SshPublicKeysField } from './WorkspaceFields';
import { newIdempotencyKey } from '@butler-portal/plugin-gitops-react';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(3) },
  actions: {
    marginTop: theme.spacing(3),
    display: 'flex',
    gap: theme.spacing(2),
  },
  error: { color: theme.palette.error.main, whiteSpace: 'pre-wrap' },
}));

export function CreateWorkspacePage() {
  const gitopsApi = useApi(gitopsApiRef);
  const storageApi = useApi(storageApiRef);
  const config = useWorkspacesConfig();
  const me = useCurrentUser();
  const workspaceLink = useRouteRef(workspaceRouteRef);
  const templates = useAsync(async () => {
    const entries = await gitopsApi.listResources({
      kind: 'WorkspaceTemplate',
    });
    // a template whose file does not parse cannot be offered; the others still can
    return entries.filter(isParsed).map(templateInfo);
  }, [gitopsApi]);

  return (
    <Page themeId="tool">
      <Header
        title="Create workspace"
        subtitle="Opens a change request adding the Workspace; it is created once merged"
      />
      <Content>
        {(templates.loading || me.loading) && <Progress />}
        {templates.error && <ResponseErrorPanel error={templates.error} />}
        {!templates.loading && !me.loading && !templates.error && (
          <CreateWorkspaceForm
            templates={templates.value ?? []}
            owner={me.value?.email ?? ''}
            defaultCluster={config.defaultCluster}
            savedKeys={loadSavedKeys(storageApi)}
            rememberKeys={keys => saveKeys(storageApi, keys)}
            workspaceHref={ref => workspaceLink?.(ref)}
          />
        )}
      </Content>
    </Page>
  );
}

function templateHint(
  template: TemplateInfo | undefined,
  templates: TemplateInfo[],
): string {
  if (template) {
    return [template.category, template.description, template.image]
      .filter(Boolean)
      .join(' · ');
  }
  if (templates.length === 0) {
    return 'No WorkspaceTemplate is in the GitOps repositories yet';
  }
  return 'What the workspace starts from: image, size, repositories';
}

interface FormProps {
  templates: TemplateInfo[];
  owner: string;
  defaultCluster?: string;
  savedKeys: string[];
  /** keeps the accepted public keys for the next form */
  rememberKeys(keys: string[]): Promise<unknown>;
  workspaceHref(ref: { namespace: string; name: string }): string | undefined;
}

function CreateWorkspaceForm(props: FormProps) {
  const classes = useStyles();
  const gitopsApi = useApi(gitopsApiRef);
  const { templates, owner } = props;
  // one key per form instance: a retried submit returns the change the first one opened
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [values, setValues] = useState<WorkspaceFormValues>(() =>
    emptyForm({
      cluster: props.defaultCluster ?? '',
      sshPublicKeys: props.savedKeys.join('\n'),
    }),
  );
  const [touched, setTouched] = useState<Set<FieldName>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [rememberKeys, setRememberKeys] = useState(props.savedKeys.length > 0);
  const [opened, setOpened] = useState<OpenedChange>();
  const [submitError, setSubmitError] = useState<Error>();

  const template = templates.find(
    t => `${t.namespace}/${t.name}` === values.template,
  );
  // issues the backend found that the form did not (e.g. a name already taken), by field
  const [serverErrors, setServerErrors] = useState<{
    values: WorkspaceFormValues;
    errors: FieldErrors;
  }>();
  const errors = useMemo(() => {
    const local = validateForm(values, template, owner);
    // shown until the user changes the form
    return serverErrors?.values === values
      ? { ...serverErrors.errors, ...local }
      : local;
  }, [values, template, owner, serverErrors]);
  const shown = (field: FieldName) =>
    submitted || touched.has(field) ? errors[field] : undefined;

  const set = (field: FieldName, patch: Partial<WorkspaceFormValues>) => {
    setValues(v => ({ ...v, ...patch }));
    setTouched(t => new Set(t).add(field));
  };

  const text = (
    field: Exclude<FieldName, `repositories.${string}` | 'form'>,
    label: string,
    extra: {
      helperText?: string;
      placeholder?: string;
      required?: boolean;
    } = {},
  ) => (
    <TextField
      id={`workspace-${field}`}
      label={label}
      value={values[field]}
      onChange={e => set(field, { [field]: e.target.value })}
      error={!!shown(field)}
      helperText={shown(field) ?? extra.helperText}
      placeholder={extra.placeholder}
      required={extra.required}
      fullWidth
      margin="dense"
      variant="outlined"
    />
  );

  const submit = async () => {
    setSubmitted(true);
    if (Object.keys(errors).length > 0 || !template) return;
    setBusy(true);
    setSubmitError(undefined);
    const resource = buildWorkspace(values, template, owner);
    try {
      if (rememberKeys)
        await props.rememberKeys(splitKeys(values.sshPublicKeys));
      const change = await gitopsApi.openChange(
        {
          operation: 'create',
          kind: 'Workspace',
          namespace: resource.metadata.namespace,
          name: resource.metadata.name,
          resource,
          title: `Create workspace ${resource.metadata.namespace}/${resource.metadata.name}`,
          description: `Workspace from template ${template.displayName} for ${owner}, opened from the portal.`,
        },
        { idempotencyKey },
      );
      setOpened(change);
    } catch (error) {
      setSubmitError(error as Error);
      const issues: ValidationIssue[] =
        (error as { issues?: ValidationIssue[] }).issues ?? [];
      if (issues.length > 0) {
        setServerErrors({ values, errors: issueErrors(issues) });
      }
    } finally {
      setBusy(false);
    }
  };

  if (opened) {
    const href = props.workspaceHref({
      namespace: values.namespace.trim(),
      name: values.name.trim(),
    });
    return (
      <>
        <OpenedChangeNotice
          change={opened}
          what={`Workspace ${values.namespace.trim()}/${values.name.trim()} requested`}
        />
        {href && (
          <Typography className={classes.section}>
            <Link to={href}>Go to the workspace</Link>
          </Typography>
        )}
      </>
    );
  }

  const limitHint = (max: string | undefined) =>
    max ? `at most ${max}` : undefined;

  return (
    <form
      aria-label="Create workspace"
      noValidate
      onSubmit={e => {
        e.preventDefault();
        submit();
      }}
    >
      <Grid container spacing={2}>
        <Grid item xs={12} md={6}>
          <TextField
            id="workspace-template"
            select
            label="Template"
            value={values.template}
            onChange={e => {
              const picked = templates.find(
                t => `${t.namespace}/${t.name}` === e.target.value,
              );
              if (picked) {
                setValues(v => applyTemplate(v, picked));
                setTouched(t => new Set(t).add('template'));
              }
            }}
            error={!!shown('template')}
            helperText={shown('template') ?? templateHint(template, templates)}
            fullWidth
            margin="dense"
            variant="outlined"
            required
          >
            {templates.map(t => (
              <MenuItem
                key={`${t.namespace}/${t.name}`}
                value={`${t.namespace}/${t.name}`}
              >
                {t.displayName}
                {t.category ? ` (${t.category})` : ''}
              </MenuItem>
            ))}
          </TextField>
        </Grid>
        <Grid item xs={12} md={6}>
          {text('cluster', 'Cluster', {
            required: true,
            helperText: 'The TenantCluster the workspace runs in',
          })}
        </Grid>
        <Grid item xs={12} md={6}>
          {text('name', 'Name', {
            required: true,
            helperText:
              'Lower-case letters, digits and "-", at most 56 characters',
          })}
        </Grid>
        <Grid item xs={12} md={6}>
          {text('namespace', 'Namespace', {
            required: true,
            helperText: 'Your team namespace',
          })}
        </Grid>
        <Grid item xs={12} md={4}>
          {text('cpu', 'CPU', { helperText: limitHint(template?.limits.cpu) })}
        </Grid>
        <Grid item xs={12} md={4}>
          {text('memory', 'Memory', {
            helperText: limitHint(template?.limits.memory),
          })}
        </Grid>
        <Grid item xs={12} md={4}>
          {text('storageSize', 'Storage', {
            helperText: limitHint(template?.limits.storageSize),
          })}
        </Grid>
      </Grid>

      <Typography variant="h6" className={classes.section}>
        Repositories to clone
      </Typography>
      <RepositoriesField
        idPrefix="workspace"
        rows={values.repositories}
        onChange={(repositories, field) =>
          field
            ? set(field, { repositories })
            : setValues(v => ({ ...v, repositories }))
        }
        error={shown}
      />

      <Grid container spacing={2} className={classes.section}>
        <Grid item xs={12} md={6}>
          {text('dotfilesUrl', 'Dotfiles repository', {
            helperText: 'Cloned, and its install script run, on first start',
          })}
        </Grid>
        <Grid item xs={12} md={3}>
          {text('idleTimeout', 'Idle timeout', {
            placeholder: '4h',
            helperText: 'SSH service torn down after (Go duration)',
          })}
        </Grid>
        <Grid item xs={12} md={3}>
          {text('autoStopAfter', 'Auto-stop after', {
            placeholder: '8h',
            helperText: 'Stopped after no connection for (0: never)',
          })}
        </Grid>
        <Grid item xs={12}>
          <SshPublicKeysField
            id="workspace-sshPublicKeys"
            value={values.sshPublicKeys}
            onChange={sshPublicKeys => set('sshPublicKeys', { sshPublicKeys })}
            error={shown('sshPublicKeys')}
          />
          <FormControlLabel
            control={
              <Checkbox
                checked={rememberKeys}
                onChange={e => setRememberKeys(e.target.checked)}
              />
            }
            label="Remember these public keys for my next workspace"
          />
        </Grid>
      </Grid>

      {submitted && errors.form && (
        <Typography role="alert" className={classes.error}>
          {errors.form}
        </Typography>
      )}
      {submitError && (
        <Typography role="alert" className={classes.error}>
          Could not open the change request: {submitError.message}
        </Typography>
      )}
      <div className={classes.actions}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={busy}
        >
          {busy ? 'Opening change request…' : 'Open change request'}
        </Button>
      </div>
    </form>
  );
}
