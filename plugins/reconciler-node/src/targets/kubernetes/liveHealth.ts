/*
 * Live health of the Butler objects the portal applies, named as in Argo CD, read from what
 * their controllers write in status (values from the CRDs in vendor/butler-crds):
 *   Workspace    status.phase: Pending | Creating | Starting | Running | Stopped | Failed
 *   TenantAddon  status.phase: Pending | Installing | Installed | Upgrading | Degraded | Failed | Deleting
 *   WorkspaceTemplate has no status: data only, healthy once it exists.
 * A controller that has not yet observed the current generation makes the object Progressing,
 * whatever its phase says.
 */
import type { HealthStatus, ResourceHealth } from '../types';

/** Argo CD's health, as the shared HealthStatus names it. */
export type LiveHealthStatus = HealthStatus;

export interface LiveHealth {
  status: LiveHealthStatus;
  message?: string;
}

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

function conditions(live: Record<string, any>): Condition[] {
  return Array.isArray(live.status?.conditions) ? live.status.conditions : [];
}

/** `Ready=False (ImagePullBackOff): image not found` style summary of the conditions that say why. */
function explain(
  live: Record<string, any>,
  prefer: 'False' | 'True' = 'False',
): string | undefined {
  const c =
    conditions(live).find(x => x.type === 'Ready' && x.status === prefer) ??
    conditions(live).find(x => x.status === prefer && x.message);
  if (c) {
    const reason = c.reason ? ` (${c.reason})` : '';
    return `${c.type}=${c.status}${reason}${c.message ? `: ${c.message}` : ''}`;
  }
  return typeof live.status?.message === 'string'
    ? live.status.message
    : undefined;
}

function join(...parts: Array<string | undefined>): string {
  return parts.filter(Boolean).join('; ');
}

/** Common to every kind: being deleted, or not yet seen by its controller. */
function pending(live: Record<string, any>): LiveHealth | undefined {
  if (live.metadata?.deletionTimestamp) {
    return { status: 'Progressing', message: 'being deleted' };
  }
  const generation = live.metadata?.generation;
  const observed = live.status?.observedGeneration;
  if (
    typeof generation === 'number' &&
    typeof observed === 'number' &&
    observed < generation
  ) {
    return {
      status: 'Progressing',
      message: `the controller has not yet observed generation ${generation} (observed ${observed})`,
    };
  }
  return undefined;
}

/**
 * What every phase-driven kind shares: pending first, then no phase yet (its controller has not
 * written status), then the kind's own reading of the phase; a phase it does not know is Unknown.
 */
function phaseHealth(
  live: Record<string, any>,
  controller: string,
  ofPhase: (phase: string) => LiveHealth | undefined,
): LiveHealth {
  const early = pending(live);
  if (early) return early;
  const phase = live.status?.phase;
  if (phase === undefined) {
    return {
      status: 'Progressing',
      message: `waiting for the ${controller} controller`,
    };
  }
  return (
    (typeof phase === 'string' ? ofPhase(phase) : undefined) ?? {
      status: 'Unknown',
      message: `unknown phase ${JSON.stringify(phase)}`,
    }
  );
}

export function workspaceHealth(live: Record<string, any>): LiveHealth {
  return phaseHealth(live, 'workspace', phase => {
    switch (phase) {
      case 'Running': {
        const notReady = conditions(live).find(
          c => c.type === 'Ready' && c.status === 'False',
        );
        return notReady
          ? { status: 'Degraded', message: join('Running', explain(live)) }
          : {
              status: 'Healthy',
              message: live.status?.connected
                ? 'Running, SSH connected'
                : 'Running',
            };
      }
      case 'Pending':
      case 'Creating':
      case 'Starting':
        return { status: 'Progressing', message: join(phase, explain(live)) };
      case 'Stopped':
        return { status: 'Suspended', message: 'Stopped' };
      case 'Failed':
        return { status: 'Degraded', message: join('Failed', explain(live)) };
      default:
        return undefined;
    }
  });
}

export function tenantAddonHealth(live: Record<string, any>): LiveHealth {
  return phaseHealth(live, 'addon', phase => {
    switch (phase) {
      case 'Installed':
        return {
          status: 'Healthy',
          message: live.status?.installedVersion
            ? `Installed ${live.status.installedVersion}`
            : 'Installed',
        };
      case 'Pending':
      case 'Installing':
      case 'Upgrading':
      case 'Deleting':
        return { status: 'Progressing', message: join(phase, explain(live)) };
      case 'Degraded':
      case 'Failed':
        return { status: 'Degraded', message: join(phase, explain(live)) };
      default:
        return undefined;
    }
  });
}

/** Health of a live object of any kind the portal applies; undefined live means Missing. */
export function liveHealth(live: Record<string, any> | undefined): LiveHealth {
  if (!live) return { status: 'Missing', message: 'not in the cluster' };
  switch (live.kind) {
    case 'Workspace':
      return workspaceHealth(live);
    case 'TenantAddon':
      return tenantAddonHealth(live);
    case 'WorkspaceTemplate':
      return pending(live) ?? { status: 'Healthy' };
    default: {
      const ready = conditions(live).find(c => c.type === 'Ready');
      if (!ready)
        return (
          pending(live) ?? { status: 'Unknown', message: 'no Ready condition' }
        );
      if (ready.status === 'True') return { status: 'Healthy' };
      return {
        status: ready.status === 'False' ? 'Degraded' : 'Progressing',
        message: explain(live),
      };
    }
  }
}

/**
 * The shared ResourceHealth has no Suspended: a stopped workspace is where it was asked to be,
 * so it reads as Healthy there, the message saying it is suspended.
 */
export function toResourceHealth(health: LiveHealth): ResourceHealth {
  return {
    status: health.status,
    ...(health.message ? { message: health.message } : {}),
  };
}
