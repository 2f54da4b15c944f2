import {
  liveHealth,
  tenantAddonHealth,
  toResourceHealth,
  workspaceHealth,
} from './liveHealth';

const ws = (status?: object, metadata: object = {}) => ({
  kind: 'Workspace',
  metadata: { name: 'w', generation: 2, ...metadata },
  ...(status ? { status } : {}),
});

describe('liveHealth', () => {
  it.each([
    [undefined, 'Progressing', 'waiting for the workspace controller'],
    [{ phase: 'Pending', observedGeneration: 2 }, 'Progressing', 'Pending'],
    [{ phase: 'Creating', observedGeneration: 2 }, 'Progressing', 'Creating'],
    [{ phase: 'Starting', observedGeneration: 2 }, 'Progressing', 'Starting'],
    [{ phase: 'Running', observedGeneration: 2 }, 'Healthy', 'Running'],
    [
      { phase: 'Running', observedGeneration: 2, connected: true },
      'Healthy',
      'Running, SSH connected',
    ],
    [{ phase: 'Stopped', observedGeneration: 2 }, 'Suspended', 'Stopped'],
    [{ phase: 'Failed', observedGeneration: 2 }, 'Degraded', 'Failed'],
    [
      { phase: 'Hibernating', observedGeneration: 2 },
      'Unknown',
      'unknown phase "Hibernating"',
    ],
  ])('maps Workspace status %j to %s', (status, health, message) => {
    expect(workspaceHealth(ws(status))).toEqual({ status: health, message });
  });

  it('explains Workspace failures from the conditions', () => {
    const status = {
      phase: 'Failed',
      observedGeneration: 2,
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        {
          type: 'Ready',
          status: 'False',
          reason: 'ImagePullBackOff',
          message: 'image not found',
        },
      ],
    };
    expect(workspaceHealth(ws(status))).toEqual({
      status: 'Degraded',
      message: 'Failed; Ready=False (ImagePullBackOff): image not found',
    });
    expect(workspaceHealth(ws({ ...status, phase: 'Running' })).status).toBe(
      'Degraded',
    );
  });

  it('is Progressing while the controller has not seen the generation, or while deleting', () => {
    expect(
      workspaceHealth(ws({ phase: 'Running', observedGeneration: 1 })),
    ).toEqual({
      status: 'Progressing',
      message: 'the controller has not yet observed generation 2 (observed 1)',
    });
    expect(
      workspaceHealth(
        ws({ phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
      ),
    ).toEqual({
      status: 'Progressing',
      message: 'being deleted',
    });
  });

  it.each([
    ['Installed', 'Healthy'],
    ['Installing', 'Progressing'],
    ['Upgrading', 'Progressing'],
    ['Deleting', 'Progressing'],
    ['Degraded', 'Degraded'],
    ['Failed', 'Degraded'],
  ])('maps TenantAddon phase %s to %s', (phase, health) => {
    expect(
      tenantAddonHealth({
        kind: 'TenantAddon',
        metadata: {},
        status: { phase },
      }).status,
    ).toBe(health);
  });

  it('reads other kinds from their Ready condition, and Missing for nothing', () => {
    expect(liveHealth(undefined)).toEqual({
      status: 'Missing',
      message: 'not in the cluster',
    });
    expect(liveHealth({ kind: 'WorkspaceTemplate', metadata: {} })).toEqual({
      status: 'Healthy',
    });
    expect(
      liveHealth({
        kind: 'TenantAddon',
        metadata: {},
        status: { phase: 'Installed', installedVersion: '1.2.0' },
      }),
    ).toEqual({ status: 'Healthy', message: 'Installed 1.2.0' });
    expect(
      liveHealth({
        kind: 'Other',
        metadata: {},
        status: { conditions: [{ type: 'Ready', status: 'True' }] },
      }),
    ).toEqual({
      status: 'Healthy',
    });
    expect(liveHealth({ kind: 'Other', metadata: {} })).toEqual({
      status: 'Unknown',
      message: 'no Ready condition',
    });
  });

  it('keeps Suspended: a stopped workspace is neither healthy nor degraded', () => {
    expect(
      toResourceHealth({ status: 'Suspended', message: 'Stopped' }),
    ).toEqual({
      status: 'Suspended',
      message: 'Stopped',
    });
    expect(toResourceHealth({ status: 'Degraded', message: 'x' })).toEqual({
      status: 'Degraded',
      message: 'x',
    });
  });
});
