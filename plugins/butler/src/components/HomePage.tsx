/*
 * The portal's home page: my workspaces, my open changes and the reviews waiting for me, my
 * teams' clusters with their phase, recent registry versions and pipelines. Each card has its
 * empty state and a first action; a card whose source is missing says so instead of failing
 * the page.
 */
import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
} from '@backstage/core-components';
import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import type {
  ChangeSummary,
  ResourceEntry,
} from '@butler-portal/plugin-gitops-common';
import { ChangeLink, gitopsApiRef } from '@butler-portal/plugin-gitops-react';
import type { TenantClusterSummary } from '@butler-portal/plugin-butler-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState, type ReactNode } from 'react';
import { butlerClustersApiRef, type ClustersAvailability } from '../api';
import { AvailabilityNotice } from './Availability';

interface Loaded<T> {
  items?: T[];
  error?: string;
}

function Card(props: {
  title: string;
  loaded: Loaded<unknown>;
  empty: ReactNode;
  children: ReactNode;
}) {
  const { items, error } = props.loaded;
  let body: ReactNode;
  if (error)
    body = <Typography variant="body2">Unavailable: {error}</Typography>;
  else if (!items) body = <Typography variant="body2">Loading…</Typography>;
  else if (items.length === 0) body = props.empty;
  else body = props.children;
  return (
    <Grid item xs={12} md={6}>
      <InfoCard title={props.title}>{body}</InfoCard>
    </Grid>
  );
}

const load = <T,>(p: Promise<T[]>, set: (l: Loaded<T>) => void) =>
  p.then(
    items => set({ items }),
    e => set({ error: (e as Error).message }),
  );

export function HomePage() {
  const identity = useApi(identityApiRef);
  const gitops = useApi(gitopsApiRef);
  const butler = useApi(butlerClustersApiRef);
  const [me, setMe] = useState<{ ref: string; email?: string }>();
  const [workspaces, setWorkspaces] = useState<Loaded<ResourceEntry>>({});
  const [mine, setMine] = useState<Loaded<ChangeSummary>>({});
  const [reviews, setReviews] = useState<Loaded<ChangeSummary>>({});
  const [clusters, setClusters] = useState<Loaded<TenantClusterSummary>>({});
  const [versions, setVersions] = useState<Loaded<ResourceEntry>>({});
  const [pipelines, setPipelines] = useState<Loaded<ResourceEntry>>({});
  const [availability, setAvailability] = useState<ClustersAvailability>();

  useEffect(() => {
    (async () => {
      const [id, profile] = await Promise.all([
        identity.getBackstageIdentity(),
        identity.getProfileInfo(),
      ]);
      setMe({ ref: id.userEntityRef, email: profile.email });
    })().catch(() => setMe({ ref: '' }));
  }, [identity]);

  useEffect(() => {
    if (!me) return;
    const email = me.email?.toLowerCase();
    load(
      gitops.listResources({ kind: 'Workspace' }).then(all =>
        all.filter(w => {
          const owner = (w.object?.spec as any)?.owner;
          return (
            !email ||
            (typeof owner === 'string' && owner.toLowerCase() === email)
          );
        }),
      ),
      setWorkspaces,
    );
    load(gitops.listChanges({ state: 'open', author: me.ref }), setMine);
    load(
      gitops
        .listChanges({ state: 'open' })
        .then(all =>
          all.filter(c => c.author.userRef !== me.ref && !c.approval.approved),
        ),
      setReviews,
    );
    load(
      gitops
        .listResources({ kind: 'ArtifactVersion' })
        .then(all => all.slice(-5).reverse()),
      setVersions,
    );
    load(
      gitops.listResources({ kind: 'Pipeline' }).then(all => all.slice(0, 5)),
      setPipelines,
    );
    butler.getAvailability().then(a => {
      setAvailability(a);
      if (a.available) load(butler.listClusters(), setClusters);
      else setClusters({ items: [] });
    });
  }, [me, gitops, butler]);

  return (
    <Page themeId="home">
      <Header
        title="Butler Portal"
        subtitle="Your workspaces, changes, clusters and releases"
      />
      <Content>
        <Grid container spacing={2}>
          <Card
            title="My workspaces"
            loaded={workspaces}
            empty={
              <Typography variant="body2">
                No workspace yet.{' '}
                <Link to="/workspaces/create">Create a workspace</Link>
              </Typography>
            }
          >
            {workspaces.items?.map(w => (
              <Typography key={w.path} variant="body2">
                <Link
                  to={`/workspaces/${w.namespace}/${w.name}`}
                >{`${w.namespace}/${w.name}`}</Link>
              </Typography>
            ))}
          </Card>
          <Card
            title="My open changes"
            loaded={mine}
            empty={
              <Typography variant="body2">
                Nothing open. Every change in the portal is a change request;
                they appear here.
              </Typography>
            }
          >
            {mine.items?.map(c => (
              <Typography key={c.id} variant="body2">
                <ChangeLink change={c} /> {c.title}
              </Typography>
            ))}
          </Card>
          <Card
            title="Reviews waiting for me"
            loaded={reviews}
            empty={
              <Typography variant="body2">
                No change is waiting for a review.
              </Typography>
            }
          >
            {reviews.items?.map(c => (
              <Typography key={c.id} variant="body2">
                <ChangeLink change={c} /> {c.title} — {c.author.name}
              </Typography>
            ))}
          </Card>
          <Card
            title="My teams' clusters"
            loaded={clusters}
            empty={
              availability && !availability.available ? (
                <AvailabilityNotice availability={availability} />
              ) : (
                <Typography variant="body2">
                  Your teams have no clusters.{' '}
                  <Link to="/butler/create">Create a cluster</Link>
                </Typography>
              )
            }
          >
            {clusters.items?.map(c => (
              <Typography key={`${c.namespace}/${c.name}`} variant="body2">
                <Link
                  to={`/butler/${c.namespace}/${c.name}`}
                >{`${c.namespace}/${c.name}`}</Link>{' '}
                {c.phase ?? 'Unknown'} · {c.workers.ready ?? '?'}/
                {c.workers.desired ?? '?'} workers
              </Typography>
            ))}
          </Card>
          <Card
            title="Recent registry versions"
            loaded={versions}
            empty={
              <Typography variant="body2">
                No artifact versions yet. Release one from the registry.
              </Typography>
            }
          >
            {versions.items?.map(v => (
              <Typography key={v.path} variant="body2">
                {v.namespace}/{v.name}
              </Typography>
            ))}
          </Card>
          <Card
            title="Pipelines"
            loaded={pipelines}
            empty={
              <Typography variant="body2">
                No telemetry pipelines yet.
              </Typography>
            }
          >
            {pipelines.items?.map(p => (
              <Typography key={p.path} variant="body2">
                {p.namespace}/{p.name}
              </Typography>
            ))}
          </Card>
        </Grid>
      </Content>
    </Page>
  );
}
