/*
 * The Registry page: every artifact of the three types, searchable, with facets for type,
 * owner, namespace and deprecation. Versions in open change requests are counted, so a
 * publisher sees their version right after asking for it.
 */
import {
  Content,
  ContentHeader,
  EmptyState,
  Header,
  Link,
  LinkButton,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import {
  ARTIFACT_TYPES,
  type ArtifactSummary,
} from '@butler-portal/plugin-registry-common';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import Grid from '@material-ui/core/Grid';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { registryApiRef } from '../api';
import {
  EMPTY_FILTER,
  facetValues,
  isDeprecated,
  matchesFilter,
  TYPE_LABELS,
  type ArtifactFilter,
} from '../lib/filters';
import { artifactRouteRef, tokensRouteRef } from '../routes';

function MultiFacet(props: {
  label: string;
  values: string[];
  selected: string[];
  labelOf?: (value: string) => string;
  onChange: (selected: string[]) => void;
}) {
  const id = `facet-${props.label.toLowerCase()}`;
  return (
    <FormControl fullWidth margin="dense">
      <InputLabel id={id}>{props.label}</InputLabel>
      <Select
        labelId={id}
        multiple
        value={props.selected}
        onChange={e => props.onChange(e.target.value as string[])}
        renderValue={v =>
          (v as string[]).map(x => props.labelOf?.(x) ?? x).join(', ')
        }
      >
        {props.values.map(value => (
          <MenuItem key={value} value={value}>
            {props.labelOf?.(value) ?? value}
          </MenuItem>
        ))}
      </Select>
    </FormControl>
  );
}

function openVersions(artifact: ArtifactSummary): number {
  return artifact.versions.filter(v => v.state === 'open').length;
}

export function ArtifactListPage() {
  const registryApi = useApi(registryApiRef);
  const artifactLink = useRouteRef(artifactRouteRef);
  const tokensLink = useRouteRef(tokensRouteRef);
  const [filter, setFilter] = useState<ArtifactFilter>(EMPTY_FILTER);
  const { value, loading, error } = useAsync(
    () => registryApi.listArtifacts(),
    [registryApi],
  );
  const set = (patch: Partial<ArtifactFilter>) =>
    setFilter(f => ({ ...f, ...patch }));

  const body = () => {
    if (loading) return <Progress />;
    if (error) return <ResponseErrorPanel error={error} />;
    const all = value?.items ?? [];
    if (all.length === 0) {
      return (
        <EmptyState
          missing="data"
          title="No artifacts yet"
          description="The registry holds Terraform modules, Helm charts and OPA policies. Add an Artifact file (artifacts/<namespace>/<name>.yaml) to the GitOps repository to register one."
        />
      );
    }
    const shown = all.filter(a => matchesFilter(a, filter));
    return (
      <Grid container spacing={2}>
        <Grid item xs={12} md={3}>
          <TextField
            id="registry-search"
            label="Search"
            fullWidth
            margin="dense"
            value={filter.text}
            onChange={e => set({ text: e.target.value })}
          />
          <MultiFacet
            label="Type"
            values={[...ARTIFACT_TYPES]}
            selected={filter.types}
            labelOf={t => TYPE_LABELS[t as keyof typeof TYPE_LABELS]}
            onChange={types => set({ types: types as ArtifactFilter['types'] })}
          />
          <MultiFacet
            label="Owner"
            values={facetValues(all, a => a.owner)}
            selected={filter.owners}
            onChange={owners => set({ owners })}
          />
          <MultiFacet
            label="Namespace"
            values={facetValues(all, a => a.namespace)}
            selected={filter.namespaces}
            onChange={namespaces => set({ namespaces })}
          />
          <FormControl fullWidth margin="dense">
            <InputLabel id="facet-deprecated">Deprecated</InputLabel>
            <Select
              labelId="facet-deprecated"
              value={filter.deprecated}
              onChange={e =>
                set({
                  deprecated: e.target.value as ArtifactFilter['deprecated'],
                })
              }
            >
              <MenuItem value="all">Show all</MenuItem>
              <MenuItem value="hide">Hide deprecated</MenuItem>
              <MenuItem value="only">Only deprecated</MenuItem>
            </Select>
          </FormControl>
        </Grid>
        <Grid item xs={12} md={9}>
          {value?.problems.length ? (
            <WarningPanel
              title={`${value.problems.length} record file(s) could not be used`}
            >
              {value.problems.map(p => (
                <div key={`${p.repository}:${p.file}`}>
                  {p.repository}: {p.file}: {p.message}
                </div>
              ))}
            </WarningPanel>
          ) : null}
          {value?.openChangesProblem ? (
            <WarningPanel title="Versions of open change requests are missing">
              {value.openChangesProblem}
            </WarningPanel>
          ) : null}
          {shown.length === 0 ? (
            <EmptyState
              missing="content"
              title="No artifact matches"
              description="Change the search or the facets."
            />
          ) : (
            <Table size="small" aria-label="Artifacts">
              <TableHead>
                <TableRow>
                  <TableCell>Artifact</TableCell>
                  <TableCell>Type</TableCell>
                  <TableCell>Owner</TableCell>
                  <TableCell>Latest</TableCell>
                  <TableCell>Description</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {shown.map(a => (
                  <TableRow key={`${a.namespace}/${a.name}`}>
                    <TableCell>
                      <Link
                        to={
                          artifactLink?.({
                            namespace: a.namespace,
                            name: a.name,
                          }) ?? ''
                        }
                      >
                        {a.namespace}/{a.name}
                      </Link>
                    </TableCell>
                    <TableCell>{TYPE_LABELS[a.type]}</TableCell>
                    <TableCell>{a.owner}</TableCell>
                    <TableCell>
                      {a.latest ?? 'none served'}{' '}
                      {isDeprecated(a) && (
                        <Chip size="small" label="deprecated" />
                      )}
                      {openVersions(a) > 0 && (
                        <Chip
                          size="small"
                          variant="outlined"
                          label={`${openVersions(a)} in review`}
                        />
                      )}
                    </TableCell>
                    <TableCell>{a.title ?? a.description ?? ''}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </Grid>
      </Grid>
    );
  };

  return (
    <Page themeId="tool">
      <Header
        title="Registry"
        subtitle="Terraform modules, Helm charts and OPA policies"
      />
      <Content>
        <ContentHeader title="Artifacts">
          <LinkButton to={tokensLink?.() ?? ''} variant="outlined">
            Registry tokens
          </LinkButton>
        </ContentHeader>
        {body()}
      </Content>
    </Page>
  );
}
