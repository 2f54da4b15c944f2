/*
 * What the cluster reports of one Workspace, in the shape of the butler-common contract. Only
 * values of the documented types pass: a controller writing something else must not break the
 * UI's rendering.
 */
import {
  DESIRED_STATE_ANNOTATION,
  type LiveWorkspace,
  type WorkspaceCondition,
  type WorkspaceDesiredState,
  type WorkspacePhase,
} from '@butler-portal/plugin-butler-common';
import type { WorkspaceObject } from './workspaceResource';

const PHASES: readonly WorkspacePhase[] = [
  'Pending',
  'Creating',
  'Running',
  'Starting',
  'Stopped',
  'Failed',
];
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];
const DESIRED_STATES: readonly WorkspaceDesiredState[] = ['running', 'stopped'];

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

function conditionsOf(status: Record<string, unknown>): WorkspaceCondition[] {
  const list = Array.isArray(status.conditions) ? status.conditions : [];
  return list
    .filter(
      (c): c is Record<string, unknown> =>
        !!c &&
        typeof c === 'object' &&
        typeof (c as any).type === 'string' &&
        CONDITION_STATUSES.includes((c as any).status),
    )
    .map(c => ({
      type: c.type as string,
      status: c.status as WorkspaceCondition['status'],
      ...(str(c.reason) && { reason: str(c.reason) }),
      ...(str(c.message) && { message: str(c.message) }),
      ...(str(c.lastTransitionTime) && {
        lastTransitionTime: str(c.lastTransitionTime),
      }),
    }));
}

/** A Workspace that is not on the cluster (e.g. before the reconciler applied it). */
export function absentWorkspace(
  namespace: string,
  name: string,
): LiveWorkspace {
  return { namespace, name, exists: false, conditions: [] };
}

export function toLiveWorkspace(object: WorkspaceObject): LiveWorkspace {
  const status = (
    object.status && typeof object.status === 'object' ? object.status : {}
  ) as Record<string, unknown>;
  const phase = PHASES.find(p => p === status.phase);
  const desired = DESIRED_STATES.find(
    s => s === object.metadata.annotations?.[DESIRED_STATE_ANNOTATION],
  );
  const connected =
    typeof status.connected === 'boolean' ? status.connected : undefined;
  return {
    namespace: object.metadata.namespace,
    name: object.metadata.name,
    exists: true,
    ...(phase && { phase }),
    conditions: conditionsOf(status),
    ...(connected !== undefined && { connected }),
    // the endpoint is only meaningful while the SSH service is up
    ...(connected &&
      str(status.sshEndpoint) && { sshEndpoint: str(status.sshEndpoint) }),
    ...(str(status.lastActivityTime) && {
      lastActivityTime: str(status.lastActivityTime),
    }),
    ...(str(object.spec?.owner) && { owner: str(object.spec?.owner) }),
    ...(desired && { desiredState: desired }),
    ...(Number.isInteger(status.observedGeneration) && {
      observedGeneration: status.observedGeneration as number,
    }),
  };
}
