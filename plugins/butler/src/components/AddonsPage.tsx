/*
 * Addons: the catalog from AddonDefinitions (category, description, versions) and the installed
 * TenantAddons with their live status. Install, upgrade (version and values, values in YAML
 * with the defaults as a hint) and uninstall are each a change request adding, editing or
 * deleting one TenantAddon file. Platform addons cannot be installed or removed here, said why.
 */
import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type {
  AddonDefinitionInfo,
  TenantAddonInfo,
} from '@butler-portal/plugin-butler-common';
import { gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import type { ResourceDetail } from '@butler-portal/plugin-gitops-common';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import { stringify } from 'yaml';
import { butlerClustersApiRef } from '../api';
import { newAddonFile, parseValues, upgradeAddon } from '../lib/changes';
import { addonRefusal } from '../lib/limits';
import { AvailabilityNotice } from './Availability';
import { ChangeDialog } from './ChangeDialog';
import { useClustersData } from './useClustersData';

type Dialog =
  | { type: 'install'; definition: AddonDefinitionInfo }
  | {
      type: 'upgrade' | 'uninstall';
      addon: TenantAddonInfo;
      file?: ResourceDetail;
      error?: string;
    };

export function AddonsPage() {
  const api = useApi(butlerClustersApiRef);
  const gitops = useApi(gitopsApiRef);
  const data = useClustersData();
  const [definitions, setDefinitions] = useState<AddonDefinitionInfo[]>([]);
  const [installed, setInstalled] = useState<TenantAddonInfo[]>([]);
  const [dialog, setDialog] = useState<Dialog>();
  const [cluster, setCluster] = useState('');
  const [version, setVersion] = useState('');
  const [valuesText, setValuesText] = useState('');

  useEffect(() => {
    if (!data.availability?.available) return;
    api.listAddonDefinitions().then(setDefinitions, () => setDefinitions([]));
    api.listAddons().then(setInstalled, () => setInstalled([]));
  }, [api, data.availability, data.clusters]);

  const clusterOptions = data.clusters.length
    ? data.clusters.map(c => `${c.namespace}/${c.name}`)
    : data.files.map(f => `${f.namespace}/${f.name}`);

  const startInstall = (definition: AddonDefinitionInfo) => {
    setCluster(clusterOptions[0] ?? '');
    setVersion(
      definition.chart.defaultVersion ??
        definition.chart.availableVersions[0] ??
        '',
    );
    setValuesText(
      definition.defaultValues ? stringify(definition.defaultValues) : '',
    );
    setDialog({ type: 'install', definition });
  };
  const startEdit = (type: 'upgrade' | 'uninstall', addon: TenantAddonInfo) => {
    setVersion(addon.version ?? '');
    setValuesText('');
    setDialog({ type, addon });
    gitops
      .getResource({
        kind: 'TenantAddon',
        namespace: addon.namespace,
        name: addon.name,
      })
      .then(
        file => {
          setDialog({ type, addon, file });
          const values = (file.object?.spec as any)?.values;
          setValuesText(values ? stringify(values) : '');
        },
        e => setDialog({ type, addon, error: `no file in Git: ${e.message}` }),
      );
  };

  const parsed = parseValues(valuesText);
  const dialogChange = (() => {
    if (!dialog) return undefined;
    if (parsed.issue) return { path: '', issues: [parsed.issue] };
    if (dialog.type === 'install') {
      const [ns, clusterName] = cluster.split('/');
      const cl = data.clusters.find(
        c => c.namespace === ns && c.name === clusterName,
      );
      const team = data.teams.find(t => t.name === cl?.team);
      const refusal = addonRefusal(dialog.definition, team);
      if (refusal) return { path: '', issues: [refusal] };
      if (!ns || !clusterName)
        return { path: '', issues: ['choose a cluster'] };
      return newAddonFile({
        namespace: ns,
        name: dialog.definition.name,
        cluster: clusterName,
        addon: dialog.definition.name,
        version,
        values: parsed.values,
        team: cl?.team,
      });
    }
    if (dialog.type === 'upgrade' && dialog.file) {
      return upgradeAddon(
        dialog.file.yaml,
        dialog.file.path,
        version,
        parsed.values,
      );
    }
    if (dialog.type === 'uninstall' && dialog.file)
      return { path: dialog.file.path, issues: [] };
    return {
      path: '',
      issues: [('error' in dialog && dialog.error) || 'reading the file…'],
    };
  })();

  const platformNames = new Set(
    definitions.filter(d => d.platform).map(d => d.name),
  );

  return (
    <Page themeId="tool">
      <Header
        title="Addons"
        subtitle="The addon catalog and the addons of your clusters"
      />
      <Content>
        <AvailabilityNotice availability={data.availability} />
        {data.loading ? (
          <Progress />
        ) : (
          <Grid container spacing={2}>
            <Grid item xs={12}>
              <Typography variant="h6" component="h2">
                Catalog
              </Typography>
            </Grid>
            {definitions.length === 0 && (
              <Grid item xs={12}>
                <EmptyState
                  missing="data"
                  title="No addon catalog"
                  description={
                    data.availability?.available
                      ? 'The management cluster has no AddonDefinitions.'
                      : 'The addon catalog comes from the management cluster (AddonDefinitions); connect one to browse it.'
                  }
                />
              </Grid>
            )}
            {definitions.map(d => (
              <Grid item xs={12} md={4} key={d.name}>
                <InfoCard
                  title={d.displayName}
                  subheader={`${d.category}${d.platform ? ' · platform' : ''}`}
                >
                  <Typography variant="body2">{d.description}</Typography>
                  <Typography variant="caption" display="block">
                    Versions:{' '}
                    {d.chart.availableVersions.join(', ') ||
                      d.chart.defaultVersion ||
                      '—'}
                  </Typography>
                  {d.platform ? (
                    <Typography variant="caption" display="block">
                      Installed with every cluster by the platform; not
                      installable or removable here.
                    </Typography>
                  ) : (
                    <Button
                      size="small"
                      color="primary"
                      onClick={() => startInstall(d)}
                    >
                      Install
                    </Button>
                  )}
                </InfoCard>
              </Grid>
            ))}
            <Grid item xs={12}>
              <Typography variant="h6" component="h2">
                Installed
              </Typography>
              {installed.length === 0 && (
                <Typography variant="body2">
                  No TenantAddons on your clusters.
                </Typography>
              )}
              {installed.map(a => (
                <Typography key={`${a.namespace}/${a.name}`} variant="body2">
                  {a.namespace}/{a.name} on {a.cluster}: {a.phase ?? 'unknown'}
                  {a.installedVersion ? ` ${a.installedVersion}` : ''}
                  {a.message ? ` — ${a.message}` : ''}{' '}
                  <Button size="small" onClick={() => startEdit('upgrade', a)}>
                    Upgrade
                  </Button>
                  <Button
                    size="small"
                    disabled={platformNames.has(a.addon ?? '')}
                    title={
                      platformNames.has(a.addon ?? '')
                        ? 'platform addons cannot be removed here'
                        : undefined
                    }
                    onClick={() => startEdit('uninstall', a)}
                  >
                    Uninstall
                  </Button>
                </Typography>
              ))}
            </Grid>
          </Grid>
        )}
        {dialog && (
          <ChangeDialog
            open
            onClose={() => setDialog(undefined)}
            title={
              dialog.type === 'install'
                ? `Install ${dialog.definition.displayName}`
                : `${dialog.type === 'upgrade' ? 'Upgrade' : 'Uninstall'} ${
                    dialog.addon.name
                  }`
            }
            operation={
              { install: 'create', upgrade: 'update', uninstall: 'delete' }[
                dialog.type
              ] as any
            }
            kind="TenantAddon"
            namespace={
              dialog.type === 'install'
                ? cluster.split('/')[0] ?? ''
                : dialog.addon.namespace
            }
            name={
              dialog.type === 'install'
                ? dialog.definition.name
                : dialog.addon.name
            }
            change={dialogChange}
            baseRevision={
              dialog.type !== 'install' ? dialog.file?.revision : undefined
            }
            changeTitle={
              dialog.type === 'install'
                ? `Install ${dialog.definition.name} ${version} on ${cluster}`
                : `${
                    dialog.type === 'upgrade'
                      ? `Upgrade ${dialog.addon.name} to ${version}`
                      : `Uninstall ${dialog.addon.name}`
                  } on ${dialog.addon.namespace}/${dialog.addon.cluster}`
            }
          >
            {dialog.type === 'install' && (
              <TextField
                select
                id="addon-cluster"
                label="Cluster"
                value={cluster}
                onChange={e => setCluster(e.target.value)}
                fullWidth
              >
                {clusterOptions.map(c => (
                  <MenuItem key={c} value={c}>
                    {c}
                  </MenuItem>
                ))}
              </TextField>
            )}
            {dialog.type !== 'uninstall' && (
              <>
                <TextField
                  id="addon-version"
                  label="Version"
                  value={version}
                  onChange={e => setVersion(e.target.value)}
                  fullWidth
                />
                <TextField
                  id="addon-values"
                  label="Values (YAML)"
                  value={valuesText}
                  onChange={e => setValuesText(e.target.value)}
                  multiline
                  minRows={4}
                  fullWidth
                  helperText="Helm values for the chart; the addon's defaults are shown as a start"
                />
              </>
            )}
            {dialog.type === 'uninstall' && (
              <Typography>
                Opens a change request deleting the addon's file; once merged,
                it is uninstalled.
              </Typography>
            )}
          </ChangeDialog>
        )}
      </Content>
    </Page>
  );
}
