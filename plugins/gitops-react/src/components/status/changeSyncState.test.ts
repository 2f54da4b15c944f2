import type { SyncTargetStatus } from '../../api';
import { aChange } from '../../__testUtils__/fixtures';
import { changeSyncStates } from './changeSyncState';

const MERGE = 'a1b2c3d4e5f60000000000000000000000000000';
const LATER = 'b2c3d4e5f6a70000000000000000000000000000';
const merged = aChange({
  state: 'merged',
  mergeCommitSha: MERGE,
  updatedAt: '2026-11-24T10:00:00.000Z',
});

function target(overrides: Partial<SyncTargetStatus> = {}): SyncTargetStatus {
  return {
    repository: 'platform',
    target: 'directory',
    condition: 'Ready',
    reason: 'Synced',
    revision: MERGE,
    updatedAt: '2026-11-24T10:00:01.000Z',
    consecutiveFailures: 0,
    resources: [
      {
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'jane-dev',
        status: 'Synced',
        revision: MERGE,
        reason: 'Applied',
      },
    ],
    ...overrides,
  };
}

describe('changeSyncStates', () => {
  it('reports Synced when the target synced the merge commit', () => {
    expect(changeSyncStates(merged, [target()])).toEqual([
      { state: 'Synced', target: 'directory', revision: MERGE },
    ]);
  });

  it('reports Synced when a later commit that holds the merge was synced', () => {
    expect(
      changeSyncStates(merged, [
        target({
          revision: LATER,
          resources: [],
          updatedAt: '2026-11-24T10:05:00.000Z',
        }),
      ]),
    ).toEqual([{ state: 'Synced', target: 'directory', revision: LATER }]);
  });

  it('reports OutOfSync while the target is still at an older commit', () => {
    expect(
      changeSyncStates(merged, [
        target({
          revision: LATER,
          resources: [],
          updatedAt: '2026-11-24T09:00:00.000Z',
        }),
      ]),
    ).toEqual([{ state: 'OutOfSync', target: 'directory' }]);
    expect(
      changeSyncStates(merged, [target({ condition: 'Reconciling' })]),
    ).toEqual([{ state: 'OutOfSync', target: 'directory' }]);
  });

  it('reports Failed with the last error of the resource, else of the target', () => {
    expect(
      changeSyncStates(merged, [
        target({
          condition: 'Stalled',
          reason: 'ApplyFailed',
          resources: [
            {
              kind: 'Workspace',
              namespace: 'team-a',
              name: 'jane-dev',
              status: 'Failed',
              revision: null,
              reason: 'ApplyFailed',
              lastError: 'CRD workspaces.butler.butlerlabs.dev not installed',
            },
          ],
        }),
      ]),
    ).toEqual([
      {
        state: 'Failed',
        target: 'directory',
        error: 'CRD workspaces.butler.butlerlabs.dev not installed',
      },
    ]);
    expect(
      changeSyncStates(merged, [
        target({
          condition: 'Stalled',
          reason: 'ValidationFailed',
          lastError: '1 file(s) are invalid: workspaces/team-a/x.yaml:3:1',
        }),
      ]),
    ).toEqual([
      {
        state: 'Failed',
        target: 'directory',
        error: '1 file(s) are invalid: workspaces/team-a/x.yaml:3:1',
      },
    ]);
  });

  it('says nothing for open changes, other repositories or without sync', () => {
    expect(changeSyncStates(aChange(), [target()])).toEqual([]);
    expect(changeSyncStates(merged, [target({ repository: 'apps' })])).toEqual(
      [],
    );
    expect(changeSyncStates(merged, undefined)).toEqual([]);
  });
});
