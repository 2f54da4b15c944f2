/*
 * The Changes page: change requests across all repositories, by state (tabs), kind and author.
 * Filters live in the URL (`?state=merged&kind=Workspace&mine=true`) so a view can be shared.
 */
import { Content, Header, Page } from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { KINDS } from '@butler-portal/plugin-gitops-common';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormHelperText from '@material-ui/core/FormHelperText';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Switch from '@material-ui/core/Switch';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import { makeStyles } from '@material-ui/core/styles';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import type { ChangeState } from '@butler-portal/plugin-gitops-react';
import { ChangeList } from '../ChangeList';

const STATES: ChangeState[] = ['open', 'merged', 'closed'];

const useStyles = makeStyles(theme => ({
  filters: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(3),
    marginBottom: theme.spacing(2),
    flexWrap: 'wrap',
  },
  kind: { minWidth: 200 },
}));

export function ChangeListPage() {
  const classes = useStyles();
  const identityApi = useApi(identityApiRef);
  const [params, setParams] = useSearchParams();
  const state = STATES.find(s => s === params.get('state')) ?? 'open';
  // a kind the backend does not know (an old or mistyped link) would fail the whole list
  const kindParam = params.get('kind') ?? '';
  const unknownKind = !!kindParam && !KINDS.some(k => k.kind === kindParam);
  const kind = unknownKind ? '' : kindParam;
  const mine = params.get('mine') === 'true';
  const identity = useAsync(() => identityApi.getBackstageIdentity(), []);
  const me = identity.value?.userEntityRef;

  const update = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  return (
    <Page themeId="tool">
      <Header
        title="Changes"
        subtitle="Change requests to the GitOps repositories: review, validation and merge state"
      />
      <Content>
        <Tabs
          value={state}
          onChange={(_, value) =>
            update('state', value === 'open' ? '' : value)
          }
          indicatorColor="primary"
          textColor="primary"
        >
          <Tab value="open" label="Open" />
          <Tab value="merged" label="Merged" />
          <Tab value="closed" label="Closed" />
        </Tabs>
        <div className={classes.filters}>
          <FormControl className={classes.kind} margin="dense">
            <InputLabel id="gitops-kind-filter" shrink>
              Kind
            </InputLabel>
            <Select
              labelId="gitops-kind-filter"
              displayEmpty
              value={kind}
              onChange={e => update('kind', String(e.target.value))}
            >
              <MenuItem value="">All kinds</MenuItem>
              {KINDS.map(k => (
                <MenuItem key={k.kind} value={k.kind}>
                  {k.kind}
                </MenuItem>
              ))}
            </Select>
            {unknownKind && (
              <FormHelperText>
                Unknown kind "{kindParam}": showing all kinds
              </FormHelperText>
            )}
          </FormControl>
          <FormControlLabel
            control={
              <Switch
                checked={mine}
                color="primary"
                onChange={e => update('mine', e.target.checked ? 'true' : '')}
              />
            }
            label="Mine"
          />
        </div>
        {/* "Mine" waits for the identity rather than briefly listing everyone's changes */}
        {mine && !me && !identity.error ? null : (
          <ChangeList
            hideState
            filter={{
              state,
              kind: kind || undefined,
              author: mine ? me : undefined,
            }}
          />
        )}
      </Content>
    </Page>
  );
}
