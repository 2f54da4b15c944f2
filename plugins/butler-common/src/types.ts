/*
 * The REST contract of the butler backend (plugin id `butler`) for workspace runtime needs.
 * Desired state lives in Git; these are what only the cluster knows (phase, endpoint) and the
 * runtime operations (start/stop) that are deliberately not Git changes.
 */

/** Runtime annotation the portal sets on a live Workspace; the reconciler never counts it as drift. */
export const DESIRED_STATE_ANNOTATION = 'portal.butlerlabs.dev/desired-state';

/** Field manager of runtime operations, distinct from the reconciler's `butler-portal`. */
export const RUNTIME_FIELD_MANAGER = 'butler-portal-runtime';

export type WorkspaceDesiredState = 'running' | 'stopped';

/** Workspace `status.phase` values of the Butler CRD. */
export type WorkspacePhase =
  | 'Pending'
  | 'Creating'
  | 'Running'
  | 'Starting'
  | 'Stopped'
  | 'Failed';

export interface WorkspaceCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** What the cluster reports of one Workspace. */
export interface LiveWorkspace {
  namespace: string;
  name: string;
  /** false when the object is not (yet) on the cluster, e.g. before the reconciler applied it */
  exists: boolean;
  phase?: WorkspacePhase;
  conditions: WorkspaceCondition[];
  connected?: boolean;
  /** `IP:port` for SSH when connected */
  sshEndpoint?: string;
  lastActivityTime?: string;
  /** `spec.owner`: the owner's email (what the permission policy's owner rule compares) */
  owner?: string;
  /** the runtime annotation, when set */
  desiredState?: WorkspaceDesiredState;
  observedGeneration?: number;
}

/**
 * `GET /api/butler/status`: whether a management cluster is configured and reachable. The
 * embedded default has none (the reconciler writes to a directory), so live status and
 * start/stop are unavailable there, with this reason.
 */
export interface ClusterStatus {
  configured: boolean;
  reachable: boolean;
  /** why live status is unavailable, for the UI's empty state */
  reason?: string;
}

/** `GET /api/butler/workspaces?namespace=` → `{ items: LiveWorkspace[] }` */
export interface LiveWorkspaceList {
  items: LiveWorkspace[];
}

/** `POST /api/butler/workspaces/:namespace/:name/start|stop` → 202 with this body */
export interface WorkspaceOperationResult {
  namespace: string;
  name: string;
  desiredState: WorkspaceDesiredState;
}
