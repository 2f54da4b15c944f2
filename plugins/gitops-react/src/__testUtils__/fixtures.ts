/*
 * A change request as the gitops backend returns it, for the tests of the shared displays.
 */
import type { ChangeSummary } from '../api';

export function aChange(overrides: Partial<ChangeSummary> = {}): ChangeSummary {
  return {
    id: 'platform:12',
    repository: 'platform',
    provider: 'local',
    number: 12,
    title: 'Create workspace team-a/jane-dev',
    state: 'open',
    branch: 'butler/workspace/jane-dev/1a2b3c4d',
    targetBranch: 'main',
    author: { name: 'Jane Doe', userRef: 'user:default/jane' },
    createdAt: new Date(Date.now() - 3 * 60 * 1000).toISOString(),
    updatedAt: new Date().toISOString(),
    paths: ['workspaces/team-a/jane-dev.yaml'],
    resources: [
      {
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'jane-dev',
        operation: 'create',
      },
    ],
    approval: {
      approved: false,
      required: 1,
      received: 0,
      missingOwners: ['group:default/team-a'],
    },
    mergeable: false,
    mergeableReason: 'not_approved',
    checks: [
      {
        context: 'butler-portal/validate',
        state: 'success',
        description: 'all files valid',
      },
    ],
    headSha: 'c0ffee0000000000000000000000000000000000',
    ...overrides,
  };
}
