/*
 * One workspace: what Git says (spec), what the reconciler and the cluster say (sync, phase),
 * how to connect, the change requests touching it, and the actions — edit and delete as change
 * requests, start and stop as runtime operations. Start / Stop and the terminal are offered as
 * the permission policy decides for this workspace (usePermission with its resourceRef, the
 * answer the butler and terminal routes give): refused, they are disabled with the reason.
 */
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import {
  alertApiRef,
  useApi,
  useRouteRef,
  useRouteRefParams,
} from '@backstage/frontend-plugin-api';
import {
  gitopsApiRef,
  type ChangeSummary,
  type OpenedChange,
  type ResourceDetail,
} from '@butler-portal/plugin-gitops-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Grid from '@material-ui/core/Grid';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  butlerWorkspaceOperatePermission,
  butlerWorkspaceTerminalPermission,
} from '@butler-portal/plugin-butler-common';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { butlerRuntimeApiRef } from '../api';
import { useRuntimeAvailability } from '../hooks';
import { repositoriesOf, repositoryDir } from '../lib/connect';
import { findTemplate, templateInfo } from '../lib/templates';
import {
  isParsed,
  operationOn,
  parsedOrThrow,
  sizeOf,
  syncOf,
  templateOf,
  type ParsedEntry,
} from '../lib/workspaces';
import { rootRouteRef, workspaceRouteRef } from '../routes';
import { ConnectPanel } from './ConnectPanel';
import { WorkspaceTerminal } from '../terminal/WorkspaceTerminal';
import { EditWorkspaceDialog } from './EditWorkspaceDialog';
import { useOpenChange } from '@butler-portal/plugin-gitops-react';
import {
  LivePhase,
  OpenedChangeNotice,
  PendingChanges,
  RuntimeUnavailable,
  SyncStatus,
} from './Status';

const isNotFound = (error: unknown) =>
  (error as { statusCode?: number })?.statusCode === 404 ||
  (error as { response?: { status?: number } })?.response?.status === 404;

export function WorkspaceDetailPage() {
  const { namespace, name } = useRouteRefParams(workspaceRouteRef);
  const ref = { namespace, name };
  const gitopsApi = useApi(gitopsApiRef);

  const resource = useAsyncRetry(async () => {
    try {
      const detail = parsedOrThrow(
        await gitopsApi.getResource({ kind: 'Workspace', ...ref }),
      );
      return { detail, changes: detail.changes };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      // not in Git (yet): a create may be waiting for review
      const open = await gitopsApi.listChanges({
        state: 'open',
        kind: 'Workspace',
      });
      const changes = open.filter(c => operationOn(c, ref));
      return { detail: undefined, changes };
    }
  }, [gitopsApi, namespace, name]);

  const title = `${namespace}/${name}`;
  // the header's type links back to the list, as the Changes pages do
  const workspacesLink = useRouteRef(rootRouteRef);
  let body: JSX.Element;
  if (resource.loading && !resource.value) {
    body = <Progress />;
  } else if (resource.error) {
    body = <ResponseErrorPanel error={resource.error} />;
  } else if (!resource.value?.detail) {
    body = (
      <InfoCard title="Not in Git yet">
        <Typography variant="body2" gutterBottom>
          No Workspace {title} is on the default branch.
          {resource.value?.changes.length
            ? ' It is created once its change request is reviewed and merged:'
            : ''}
        </Typography>
        <PendingChanges
          changes={resource.value?.changes ?? []}
          workspace={ref}
          empty="No open change request adds it."
        />
      </InfoCard>
    );
  } else {
    body = (
      <WorkspaceDetail
        detail={resource.value.detail}
        changes={resource.value.changes}
        onChanged={resource.retry}
      />
    );
  }

  return (
    <Page themeId="tool">
      <Header title={title} type="Workspaces" typeLink={workspacesLink?.()} />
      <Content>{body}</Content>
    </Page>
  );
}

function WorkspaceDetail(props: {
  detail: ParsedEntry<ResourceDetail>;
  changes: ChangeSummary[];
  onChanged(): void;
}) {
  const { detail, changes } = props;
  const ref = { namespace: detail.namespace, name: detail.name };
  const spec = detail.object.spec;
  const gitopsApi = useApi(gitopsApiRef);
  const runtimeApi = useApi(butlerRuntimeApiRef);
  const alertApi = useApi(alertApiRef);
  const runtime = useRuntimeAvailability();
  const available = runtime.value?.available === true;
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [terminalOpen, setTerminalOpen] = useState(false);
  const [opened, setOpened] = useState<{
    change: OpenedChange;
    what: string;
  }>();
  const [operating, setOperating] = useState(false);
  // asked with the workspace: the policy decides by its owner and its team
  const resourceRef = `${ref.namespace}/${ref.name}`;
  const operatePermission = usePermission({
    permission: butlerWorkspaceOperatePermission,
    resourceRef,
  });
  const terminalPermission = usePermission({
    permission: butlerWorkspaceTerminalPermission,
    resourceRef,
  });

  const sync = useAsync(() => gitopsApi.getSyncStatus(), [gitopsApi]);
  // the template named on the workspace, for the size limits of an edit
  const template = useAsync(async () => {
    const templates = await gitopsApi.listResources({
      kind: 'WorkspaceTemplate',
    });
    const found = findTemplate(
      templates,
      templateOf(detail.object),
      detail.namespace,
    );
    return found && isParsed(found) ? templateInfo(found) : undefined;
  }, [gitopsApi, detail]);
  const live = useAsyncRetry(async () => {
    if (!available) return undefined;
    return runtimeApi.getWorkspace(ref);
  }, [available, runtimeApi, detail.namespace, detail.name]);

  const operate = async (operation: 'start' | 'stop') => {
    setOperating(true);
    try {
      await runtimeApi[operation](ref);
      alertApi.post({
        message: `${operation === 'start' ? 'Starting' : 'Stopping'} ${
          ref.namespace
        }/${ref.name}`,
        severity: 'success',
        display: 'transient',
      });
      live.retry();
    } catch (error) {
      alertApi.post({
        message: `Could not ${operation} ${ref.namespace}/${ref.name}: ${
          (error as Error).message
        }`,
        severity: 'error',
      });
    } finally {
      setOperating(false);
    }
  };

  const unavailableReason =
    runtime.value?.available === false ? runtime.value.reason : undefined;
  /** Why an action on the live workspace is not offered (the cluster first, then the policy). */
  const refusal = (
    permission: { loading: boolean; allowed: boolean },
    refused: string,
  ): string | undefined => {
    if (!available)
      return unavailableReason ?? 'Checking the management cluster…';
    if (permission.loading) return 'Checking your permissions…';
    return permission.allowed ? undefined : refused;
  };
  const operateRefusal = refusal(
    operatePermission,
    `You may not start or stop ${resourceRef}: only its owner and the admins and operators of its team may (butler.workspace.operate)`,
  );
  const terminalRefusal = refusal(
    terminalPermission,
    `You may not open a terminal into ${resourceRef}: only its owner and the members of its team may (butler.workspace.terminal)`,
  );
  /** A button that, disabled, says why in a tooltip (a disabled button fires no events: the span does). */
  const withReason = (
    label: string,
    reason: string | undefined,
    button: JSX.Element,
  ) =>
    reason ? (
      <Tooltip title={reason}>
        <span aria-label={`${label} unavailable`}>{button}</span>
      </Tooltip>
    ) : (
      button
    );
  const runtimeButton = (operation: 'start' | 'stop', label: string) =>
    withReason(
      label,
      operateRefusal,
      <Button
        variant="outlined"
        onClick={() => operate(operation)}
        disabled={!!operateRefusal || operating}
      >
        {label}
      </Button>,
    );

  const summary: Record<string, unknown> = {
    owner: spec.owner,
    template: templateOf(detail.object) ?? 'none',
    image: spec.image,
    cluster: spec.clusterRef?.name,
    size: sizeOf(spec),
    storage: spec.storageSize ?? 'default',
    repositories:
      repositoriesOf(spec)
        .map(
          r =>
            `${repositoryDir(r) ?? r.url} (${r.url}${
              r.branch ? ` @ ${r.branch}` : ''
            })`,
        )
        .join(', ') || 'none',
    'idle timeout': spec.idleTimeout ?? 'default',
    'auto-stop after': spec.autoStopAfter ?? 'default',
    'SSH keys': `${(spec.sshPublicKeys ?? []).length} in the spec`,
    file: `${detail.repository}: ${detail.path}`,
  };

  return (
    <>
      {opened && (
        <OpenedChangeNotice change={opened.change} what={opened.what} />
      )}
      {unavailableReason && <RuntimeUnavailable reason={unavailableReason} />}
      <Grid container spacing={3} style={{ marginTop: 8 }}>
        <Grid item xs={12} style={{ display: 'flex', gap: 8 }}>
          <Button
            variant="contained"
            color="primary"
            onClick={() => setEditing(true)}
          >
            Edit
          </Button>
          <Button variant="outlined" onClick={() => setDeleting(true)}>
            Delete
          </Button>
          {runtimeButton('start', 'Start')}
          {runtimeButton('stop', 'Stop')}
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Spec">
            <StructuredMetadataTable metadata={summary} />
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={6}>
          <InfoCard title="Status">
            <StructuredMetadataTable
              metadata={{
                sync: (
                  <SyncStatus
                    states={
                      sync.value === undefined && !sync.loading
                        ? undefined
                        : syncOf(sync.value, ref)
                    }
                  />
                ),
                'live phase': (
                  <LivePhase available={available} live={live.value} />
                ),
                ...(live.value?.sshEndpoint
                  ? { 'SSH endpoint': live.value.sshEndpoint }
                  : {}),
                ...(live.value?.conditions?.length
                  ? {
                      conditions: live.value.conditions
                        .map(
                          c =>
                            `${c.type}=${c.status}${
                              c.reason ? ` (${c.reason})` : ''
                            }`,
                        )
                        .join(', '),
                    }
                  : {}),
                ...(live.error
                  ? { 'live status': `error: ${live.error.message}` }
                  : {}),
              }}
            />
          </InfoCard>
          <div style={{ marginTop: 24 }}>
            <InfoCard title="Pending changes">
              <PendingChanges
                changes={changes}
                workspace={ref}
                empty="No open change request touches this workspace."
              />
            </InfoCard>
          </div>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Connect">
            <ConnectPanel
              namespace={ref.namespace}
              name={ref.name}
              spec={spec}
              sshEndpoint={live.value?.sshEndpoint}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Terminal">
            {terminalOpen ? (
              <WorkspaceTerminal namespace={ref.namespace} name={ref.name} />
            ) : (
              withReason(
                'Open terminal',
                terminalRefusal,
                <Button
                  variant="outlined"
                  onClick={() => setTerminalOpen(true)}
                  disabled={!!terminalRefusal}
                >
                  Open terminal
                </Button>,
              )
            )}
            {!runtime.value?.available && (
              <Typography variant="body2" color="textSecondary">
                The terminal needs the management cluster
                (butler.managementCluster); a viewer's session is read-only.
              </Typography>
            )}
          </InfoCard>
        </Grid>
      </Grid>
      {editing && (
        <EditWorkspaceDialog
          detail={detail}
          template={template.value}
          open={editing}
          onClose={() => setEditing(false)}
          onOpened={change => {
            setEditing(false);
            setOpened({
              change,
              what: `Edit of ${ref.namespace}/${ref.name} requested`,
            });
            props.onChanged();
          }}
        />
      )}
      {deleting && (
        <DeleteWorkspaceDialog
          detail={detail}
          onClose={() => setDeleting(false)}
          onOpened={change => {
            setDeleting(false);
            setOpened({
              change,
              what: `Deletion of ${ref.namespace}/${ref.name} requested`,
            });
            props.onChanged();
          }}
        />
      )}
    </>
  );
}

function DeleteWorkspaceDialog(props: {
  detail: ResourceDetail;
  onClose(): void;
  onOpened(change: OpenedChange): void;
}) {
  const { detail } = props;
  const { open, busy, error } = useOpenChange(props.onOpened);
  const title = `${detail.namespace}/${detail.name}`;

  const confirm = () =>
    open({
      operation: 'delete',
      kind: 'Workspace',
      namespace: detail.namespace,
      name: detail.name,
      baseRevision: detail.revision,
      title: `Delete workspace ${title}`,
      description:
        'Deletes the workspace (its pod and volume go with it), from the portal.',
    });

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="delete-workspace-title"
    >
      <DialogTitle id="delete-workspace-title">Delete {title}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This opens a change request removing {detail.path}. Once it is merged,
          the workspace and its volume are deleted: push your work first.
        </DialogContentText>
        {error && (
          <Typography role="alert" color="error">
            Could not open the change request: {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={confirm}
          disabled={busy}
        >
          Open delete change request
        </Button>
      </DialogActions>
    </Dialog>
  );
}
