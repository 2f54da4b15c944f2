/*
 * The tenant cluster page's terminal: the cluster's pods (listed by the terminal backend, for
 * those allowed butler.cluster.terminal on this cluster), a pod and container to pick, then the
 * shared browser terminal (plugin-terminal-react) into it. Viewers of the cluster's team are
 * told before opening that their session is read-only (the backend drops their keystrokes);
 * those without the permission are not offered the section at all, and a refusal by the backend
 * (a role withdrawn since) is shown with its reason.
 */
import { InfoCard, Progress } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { butlerClusterTerminalPermission } from '@butler-portal/plugin-butler-common';
import {
  listClusterPods,
  TerminalView,
  type ClusterPod,
  type TerminalTarget,
} from '@butler-portal/plugin-terminal-react';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useMemo, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';

/** How many pods the picker lists (the backend's bound is 500). */
const POD_LIMIT = 200;

const podKey = (p: Pick<ClusterPod, 'namespace' | 'name'>) =>
  `${p.namespace}/${p.name}`;

export function ClusterTerminal(props: { namespace: string; name: string }) {
  const { namespace, name } = props;
  // asked with the cluster: the policy decides by the user's role in the cluster's team
  const permission = usePermission({
    permission: butlerClusterTerminalPermission,
    resourceRef: `${namespace}/${name}`,
  });
  if (permission.loading || !permission.allowed) return null;
  return <ClusterTerminalCard namespace={namespace} name={name} />;
}

function ClusterTerminalCard(props: { namespace: string; name: string }) {
  const { namespace, name } = props;
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const listing = useAsyncRetry(
    () =>
      listClusterPods({
        discoveryApi,
        fetchApi,
        namespace,
        name,
        limit: POD_LIMIT,
      }),
    [discoveryApi, fetchApi, namespace, name],
  );
  const [picked, setPicked] = useState('');
  const [container, setContainer] = useState('');
  const [target, setTarget] = useState<TerminalTarget>();

  const pods = useMemo(() => listing.value?.pods ?? [], [listing.value]);
  const pod = pods.find(p => podKey(p) === picked);
  // the first pod is picked once the list is in, its default container with it
  useEffect(() => {
    if (!pod && pods.length) setPicked(podKey(pods[0]));
  }, [pod, pods]);
  useEffect(() => {
    setContainer(pod?.defaultContainer ?? pod?.containers[0] ?? '');
  }, [pod]);

  const body = () => {
    if (listing.loading && !listing.value) return <Progress />;
    if (listing.error) {
      return (
        <>
          <Typography color="error" role="alert">
            Pods not listed: {listing.error.message}
          </Typography>
          <Button variant="outlined" onClick={listing.retry}>
            Retry
          </Button>
        </>
      );
    }
    if (!pods.length) {
      return (
        <>
          <Typography variant="body2">
            No pods run in this cluster yet: there is nothing to open a terminal
            into.
          </Typography>
          <Button variant="outlined" onClick={listing.retry}>
            Refresh
          </Button>
        </>
      );
    }
    return (
      <>
        {listing.value && !listing.value.writable && (
          <Typography color="textSecondary" role="status">
            Read-only: your role in the cluster's team is viewer. You can watch
            a session; what you type is not sent.
          </Typography>
        )}
        <TextField
          id="butler-terminal-pod"
          select
          label="Pod"
          value={picked}
          onChange={e => {
            setPicked(e.target.value);
            setTarget(undefined);
          }}
          SelectProps={{ native: true }}
          margin="dense"
        >
          {pods.map(p => (
            <option key={podKey(p)} value={podKey(p)}>
              {podKey(p)} ({p.phase})
            </option>
          ))}
        </TextField>{' '}
        {pod && pod.containers.length > 1 && (
          <>
            <TextField
              id="butler-terminal-container"
              select
              label="Container"
              value={container}
              onChange={e => {
                setContainer(e.target.value);
                setTarget(undefined);
              }}
              SelectProps={{ native: true }}
              margin="dense"
            >
              {pod.containers.map(c => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </TextField>{' '}
          </>
        )}
        <Button
          variant="contained"
          color="primary"
          disabled={!pod}
          onClick={() =>
            pod &&
            setTarget({
              kind: 'cluster',
              namespace,
              name,
              pod: {
                namespace: pod.namespace,
                name: pod.name,
                ...(container && { container }),
              },
            })
          }
        >
          Open terminal
        </Button>{' '}
        {target && (
          <Button onClick={() => setTarget(undefined)}>Close terminal</Button>
        )}
        {listing.value?.truncated && (
          <Typography variant="body2">
            The first {listing.value.limit} pods are listed.
          </Typography>
        )}
        {target && (
          <TerminalView
            target={target}
            readOnlyReason="your role in the cluster's team is viewer"
          />
        )}
      </>
    );
  };

  return <InfoCard title="Terminal">{body()}</InfoCard>;
}
