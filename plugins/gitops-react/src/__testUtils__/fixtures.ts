/*
 * Change requests as the gitops backend returns them, and a mock GitopsApi, for the tests of
 * the shared displays and of every plugin that shows or opens changes.
 */
import type { ChangeDetail, ChangeSummary, GitopsApi } from '../api';

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

export const JANE_DIFF = [
  '--- /dev/null',
  '+++ b/workspaces/team-a/jane-dev.yaml',
  '@@ -0,0 +1,3 @@',
  '+apiVersion: butler.butlerlabs.dev/v1alpha1',
  '+kind: Workspace',
  '+metadata:',
  '',
].join('\n');

export function aChangeDetail(
  overrides: Partial<ChangeDetail> = {},
): ChangeDetail {
  return {
    ...aChange(),
    description: 'Opened from the portal by **Jane Doe**.',
    reviews: [],
    files: [
      {
        path: 'workspaces/team-a/jane-dev.yaml',
        status: 'added',
        diff: JANE_DIFF,
      },
    ],
    validation: { ok: true, issues: [] },
    ...overrides,
  };
}

/**
 * A GitopsApi whose lists are empty until a test says otherwise, so a page that loads more than
 * the test is about still renders.
 */
export function mockGitopsApi(): jest.Mocked<GitopsApi> {
  return {
    listRepositories: jest.fn().mockResolvedValue([]),
    listResources: jest.fn().mockResolvedValue([]),
    getResource: jest.fn(),
    openChange: jest.fn(),
    openChangeFromBranch: jest.fn(),
    listChanges: jest.fn().mockResolvedValue([]),
    getChange: jest.fn(),
    review: jest.fn(),
    merge: jest.fn(),
    close: jest.fn(),
    getSyncStatus: jest.fn().mockResolvedValue([]),
    getSchemaUrl: jest.fn(),
  };
}
