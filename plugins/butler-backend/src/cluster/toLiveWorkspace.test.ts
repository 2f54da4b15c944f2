import { absentWorkspace, toLiveWorkspace } from './toLiveWorkspace';

const metadata = { namespace: 'team-a', name: 'alice-dev' };
const ready = {
  type: 'Ready',
  status: 'True',
  reason: 'PodReady',
  message: 'pod is ready',
  lastTransitionTime: '2026-11-24T09:59:00Z',
};

describe('toLiveWorkspace', () => {
  it('reads phase, conditions, SSH endpoint, activity and the desired-state annotation', () => {
    expect(
      toLiveWorkspace({
        metadata: {
          ...metadata,
          annotations: { 'portal.butlerlabs.dev/desired-state': 'running' },
        },
        status: {
          phase: 'Running',
          connected: true,
          sshEndpoint: '10.0.0.7:2222',
          lastActivityTime: '2026-11-24T10:00:00Z',
          observedGeneration: 3,
          podName: 'ws-alice-dev',
          conditions: [ready],
        },
      }),
    ).toEqual({
      namespace: 'team-a',
      name: 'alice-dev',
      exists: true,
      phase: 'Running',
      connected: true,
      sshEndpoint: '10.0.0.7:2222',
      lastActivityTime: '2026-11-24T10:00:00Z',
      observedGeneration: 3,
      desiredState: 'running',
      // a well-formed condition passes through as the cluster wrote it
      conditions: [ready],
    });
  });

  it('reports a workspace without status as existing with nothing known yet', () => {
    expect(toLiveWorkspace({ metadata })).toEqual({
      ...metadata,
      exists: true,
      conditions: [],
    });
  });

  it('drops values outside the contract: unknown phase, bad conditions, stale endpoint', () => {
    expect(
      toLiveWorkspace({
        metadata: {
          ...metadata,
          annotations: { 'portal.butlerlabs.dev/desired-state': 'paused' },
        },
        status: {
          phase: 'Hibernating',
          connected: false,
          sshEndpoint: '10.0.0.7:2222',
          conditions: [
            { type: 'Ready', status: 'Maybe' },
            'nonsense',
            { type: 'Scheduled', status: 'False', reason: '' },
          ],
        },
      }),
    ).toEqual({
      ...metadata,
      exists: true,
      connected: false,
      conditions: [{ type: 'Scheduled', status: 'False' }],
    });
  });

  it('describes an absent workspace', () => {
    expect(absentWorkspace('team-a', 'nope')).toEqual({
      namespace: 'team-a',
      name: 'nope',
      exists: false,
      conditions: [],
    });
  });
});
