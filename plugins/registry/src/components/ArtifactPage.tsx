/*
 * One artifact: the chosen version's README and content by type (Terraform inputs/outputs,
 * chart values, policy packages), every version with its state, changelog and change request,
 * copy-paste usage per client, dependencies and the artifacts using it; publish, deprecate and
 * yank as change requests.
 */
import {
  CodeSnippet,
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Link,
  MarkdownContent,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { ChangeLink } from '@butler-portal/plugin-gitops-react';
import type {
  ArtifactDetailResponse,
  VersionInfo,
} from '@butler-portal/plugin-registry-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import CodeMirror from '@uiw/react-codemirror';
import { useState } from 'react';
import { useParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { registryApiRef } from '../api';
import { TYPE_LABELS } from '../lib/filters';
import { artifactRouteRef, rootRouteRef } from '../routes';
import { DependencyGraph } from './DependencyGraph';
import { ResolveRange } from './ResolveRange';
import { PublishVersionDialog, VersionReasonDialog } from './VersionActions';

const STATE_LABELS: Record<VersionInfo['state'], string> = {
  merged: 'merged',
  deprecated: 'deprecated',
  yanked: 'yanked',
  unavailable: 'unavailable',
  open: 'open change',
};

function VersionState(props: { version: VersionInfo }) {
  const { version } = props;
  return (
    <>
      <Chip
        size="small"
        label={STATE_LABELS[version.state]}
        color={version.state === 'merged' ? 'primary' : 'default'}
        variant={version.state === 'open' ? 'outlined' : 'default'}
      />
      {version.reason && (
        <Typography variant="caption" display="block">
          {version.reason}
        </Typography>
      )}
    </>
  );
}

function ContentByType(props: { detail: ArtifactDetailResponse }) {
  const { content } = props.detail;
  if (!content) return null;
  return (
    <>
      {content.terraform && (
        <InfoCard title="Inputs and outputs">
          <Table size="small" aria-label="Inputs">
            <TableHead>
              <TableRow>
                <TableCell>Input</TableCell>
                <TableCell>Type</TableCell>
                <TableCell>Required</TableCell>
                <TableCell>Default</TableCell>
                <TableCell>Description</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {content.terraform.inputs.length === 0 && (
                <TableRow>
                  <TableCell colSpan={5}>No inputs</TableCell>
                </TableRow>
              )}
              {content.terraform.inputs.map(v => (
                <TableRow key={v.name}>
                  <TableCell>
                    <code>{v.name}</code>
                    {v.sensitive ? ' (sensitive)' : ''}
                  </TableCell>
                  <TableCell>
                    <code>{v.type ?? 'any'}</code>
                  </TableCell>
                  <TableCell>{v.required ? 'yes' : 'no'}</TableCell>
                  <TableCell>
                    {v.default === undefined ? (
                      ''
                    ) : (
                      <code>{JSON.stringify(v.default)}</code>
                    )}
                  </TableCell>
                  <TableCell>{v.description ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Table size="small" aria-label="Outputs">
            <TableHead>
              <TableRow>
                <TableCell>Output</TableCell>
                <TableCell>Description</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {content.terraform.outputs.length === 0 && (
                <TableRow>
                  <TableCell colSpan={2}>No outputs</TableCell>
                </TableRow>
              )}
              {content.terraform.outputs.map(o => (
                <TableRow key={o.name}>
                  <TableCell>
                    <code>{o.name}</code>
                    {o.sensitive ? ' (sensitive)' : ''}
                  </TableCell>
                  <TableCell>{o.description ?? ''}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </InfoCard>
      )}
      {content.helm && (
        <InfoCard title="Chart values">
          {content.helm.values ? (
            <CodeMirror
              value={content.helm.values}
              editable={false}
              readOnly
              basicSetup={{ lineNumbers: true, foldGutter: false }}
              aria-label="values.yaml"
            />
          ) : (
            <Typography>This chart has no values.yaml.</Typography>
          )}
        </InfoCard>
      )}
      {content.opa && (
        <InfoCard title="Policy packages">
          {content.opa.packages.length === 0 && (
            <Typography>The bundle's .rego files declare no package.</Typography>
          )}
          <ul aria-label="Policy packages">
            {content.opa.packages.map(p => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </InfoCard>
      )}
    </>
  );
}

export function ArtifactPage() {
  const { namespace = '', name = '' } = useParams();
  const registryApi = useApi(registryApiRef);
  const artifactLink = useRouteRef(artifactRouteRef);
  const rootLink = useRouteRef(rootRouteRef);
  const [version, setVersion] = useState<string>();
  const [publishing, setPublishing] = useState(false);
  const [action, setAction] = useState<{
    version: string;
    action: 'deprecate' | 'yank';
  }>();
  const detail = useAsyncRetry(
    () => registryApi.getArtifact({ namespace, name, version }),
    [registryApi, namespace, name, version],
  );

  const body = () => {
    if (detail.loading && !detail.value) return <Progress />;
    if (detail.error) {
      // the reason (from the backend: unknown artifact, no such version, not allowed, down) and
      // a way on: again, the latest version instead of the chosen one, or back to the list
      return (
        <>
          <Typography variant="h6" component="h2">
            {version
              ? `Version ${version} of ${namespace}/${name} could not be loaded`
              : `${namespace}/${name} could not be loaded`}
          </Typography>
          <ResponseErrorPanel error={detail.error} />
          <Button onClick={detail.retry} disabled={detail.loading}>
            Try again
          </Button>
          {version && (
            <Button onClick={() => setVersion(undefined)}>
              Show the latest version
            </Button>
          )}
          <Link to={rootLink?.() ?? '/'}>Back to the Registry</Link>
        </>
      );
    }
    const value = detail.value!;
    const { artifact } = value;
    const shownVersion = value.content?.version ?? version ?? artifact.latest;
    return (
      <>
        {detail.loading && (
          // another version (or the list after a change) is on its way; the old one stays
          <LinearProgress
            aria-label={
              version ? `Loading version ${version}` : 'Refreshing the artifact'
            }
          />
        )}
        <ContentHeader
          title={`${artifact.namespace}/${artifact.name}${
            shownVersion ? ` ${shownVersion}` : ''
          }`}
        >
          <Button
            variant="contained"
            color="primary"
            onClick={() => setPublishing(true)}
          >
            Publish a version
          </Button>
        </ContentHeader>
        {value.openChangesProblem && (
          <WarningPanel title="Versions of open change requests are missing">
            {value.openChangesProblem}
          </WarningPanel>
        )}
        {value.contentProblem && (
          <WarningPanel title="The content of this version could not be read">
            {value.contentProblem}
          </WarningPanel>
        )}
        <Grid container spacing={2}>
          <Grid item xs={12} md={8}>
            {value.content?.readme ? (
              <InfoCard title="README">
                <MarkdownContent content={value.content.readme} />
              </InfoCard>
            ) : (
              <InfoCard title="README">
                <Typography>This version has no README.</Typography>
              </InfoCard>
            )}
            <ContentByType detail={value} />
            <InfoCard title="Versions">
              <Table size="small" aria-label="Versions">
                <TableHead>
                  <TableRow>
                    <TableCell>Version</TableCell>
                    <TableCell>State</TableCell>
                    <TableCell>Changelog</TableCell>
                    <TableCell>Change request</TableCell>
                    <TableCell />
                  </TableRow>
                </TableHead>
                <TableBody>
                  {artifact.versions.length === 0 && (
                    <TableRow>
                      <TableCell colSpan={5}>
                        No version yet. “Publish a version” opens the change
                        request adding the first one.
                      </TableCell>
                    </TableRow>
                  )}
                  {artifact.versions.map(v => (
                    <TableRow key={v.version}>
                      <TableCell>
                        <Button
                          size="small"
                          onClick={() => setVersion(v.version)}
                        >
                          {v.version}
                        </Button>
                      </TableCell>
                      <TableCell>
                        <VersionState version={v} />
                      </TableCell>
                      <TableCell>{v.changelog ?? ''}</TableCell>
                      <TableCell>
                        {v.change && (
                          <ChangeLink change={v.change}>
                            #{v.change.number} {v.change.title}
                          </ChangeLink>
                        )}
                      </TableCell>
                      <TableCell>
                        {v.state !== 'open' && v.state !== 'yanked' && (
                          <>
                            {v.state !== 'deprecated' && (
                              <Button
                                size="small"
                                aria-label={`Deprecate ${v.version}`}
                                onClick={() =>
                                  setAction({
                                    version: v.version,
                                    action: 'deprecate',
                                  })
                                }
                              >
                                Deprecate
                              </Button>
                            )}
                            <Button
                              size="small"
                              aria-label={`Yank ${v.version}`}
                              onClick={() =>
                                setAction({
                                  version: v.version,
                                  action: 'yank',
                                })
                              }
                            >
                              Yank
                            </Button>
                          </>
                        )}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </InfoCard>
            <InfoCard title="Dependency graph">
              <DependencyGraph detail={value} shownVersion={shownVersion} />
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={4}>
            <InfoCard title="About">
              <Typography variant="body2">
                {TYPE_LABELS[artifact.type]} · owner {artifact.owner}
              </Typography>
              {artifact.description && (
                <Typography variant="body2">{artifact.description}</Typography>
              )}
              {artifact.tags.map(t => (
                <Chip key={t} size="small" label={t} />
              ))}
            </InfoCard>
            <InfoCard title="Usage">
              {value.usage.length === 0 ? (
                <Typography>No version is served yet.</Typography>
              ) : (
                value.usage.map(u => (
                  <div key={`${u.client}:${u.title}`}>
                    <Typography variant="subtitle2">{u.title}</Typography>
                    <CodeSnippet
                      text={u.code}
                      language={u.language === 'shell' ? 'bash' : u.language}
                      showCopyCodeButton
                    />
                  </div>
                ))
              )}
            </InfoCard>
            <InfoCard title="Resolve a range">
              <ResolveRange
                namespace={artifact.namespace}
                name={artifact.name}
              />
            </InfoCard>
            <InfoCard title="Dependencies">
              {value.dependencies.length === 0 ? (
                <Typography>None declared.</Typography>
              ) : (
                <ul aria-label="Dependencies">
                  {value.dependencies.map(d => (
                    <li key={d.artifact}>
                      <Link
                        to={
                          artifactLink?.({
                            namespace: d.namespace,
                            name: d.name,
                          }) ?? ''
                        }
                      >
                        {d.artifact}
                      </Link>{' '}
                      <code>{d.versionRange}</code>{' '}
                      {d.resolved
                        ? `→ ${d.resolved}`
                        : `does not resolve: ${d.problem ?? 'unknown'}`}
                    </li>
                  ))}
                </ul>
              )}
            </InfoCard>
            <InfoCard title="Used by">
              {value.usedBy.length === 0 ? (
                <Typography>No artifact depends on this one.</Typography>
              ) : (
                <ul aria-label="Used by">
                  {value.usedBy.map(d => (
                    <li key={`${d.namespace}/${d.name}`}>
                      <Link
                        to={
                          artifactLink?.({
                            namespace: d.namespace,
                            name: d.name,
                          }) ?? ''
                        }
                      >
                        {d.namespace}/{d.name}
                      </Link>{' '}
                      <code>{d.versionRange}</code>
                      {d.acceptsLatest ? '' : ' (does not accept the latest)'}
                    </li>
                  ))}
                </ul>
              )}
            </InfoCard>
          </Grid>
        </Grid>
        {publishing && (
          <PublishVersionDialog
            artifact={artifact}
            onClose={() => {
              setPublishing(false);
              detail.retry();
            }}
          />
        )}
        {action && (
          <VersionReasonDialog
            artifact={artifact}
            version={action.version}
            action={action.action}
            onClose={() => {
              setAction(undefined);
              detail.retry();
            }}
          />
        )}
      </>
    );
  };

  return (
    <Page themeId="tool">
      <Header title={name} type="Registry" typeLink={rootLink?.()} />
      <Content>{body()}</Content>
    </Page>
  );
}
