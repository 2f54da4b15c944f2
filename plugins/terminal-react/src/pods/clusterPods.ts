/*
 * The pods of a tenant cluster a terminal may open into, as the terminal backend lists them
 * (GET /api/terminal/clusters/:namespace/:name/pods): the caller's butler.cluster.terminal is
 * asked for that cluster, and `writable` says whether their sessions will take keystrokes
 * (butler.cluster.terminal.write); a viewer's are read-only.
 */
import { terminalResponseError } from '../connection/terminalConnection';

export interface ClusterPod {
  namespace: string;
  name: string;
  /** status.phase (Pending, Running, ...); `Unknown` when the cluster reports none */
  phase: string;
  /** the names of spec.containers, in order */
  containers: string[];
  /** the container a terminal opens without one asked (as kubectl picks it) */
  defaultContainer?: string;
}

export interface ClusterPods {
  /** `<namespace>/<name>` of the TenantCluster */
  cluster: string;
  /** whether the caller's sessions are read-write (else read-only: keystrokes dropped) */
  writable: boolean;
  pods: ClusterPod[];
  /** true when the cluster holds more pods than `limit`: the list is the first ones */
  truncated: boolean;
  limit: number;
}

export async function listClusterPods(options: {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi: { fetch: typeof fetch };
  namespace: string;
  name: string;
  limit?: number;
}): Promise<ClusterPods> {
  const base = await options.discoveryApi.getBaseUrl('terminal');
  const query = options.limit ? `?limit=${options.limit}` : '';
  const response = await options.fetchApi.fetch(
    `${base}/clusters/${encodeURIComponent(
      options.namespace,
    )}/${encodeURIComponent(options.name)}/pods${query}`,
  );
  if (!response.ok) throw await terminalResponseError(response);
  return (await response.json()) as ClusterPods;
}
