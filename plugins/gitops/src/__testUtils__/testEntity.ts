/*
 * A Workspace entity as the catalog module emits it, and its resource detail, for the tests of
 * the entity page parts.
 */
import type { Entity } from '@backstage/catalog-model';
import type {
  ResourceDetail,
  SyncTargetStatus,
} from '@butler-portal/plugin-gitops-react';

export const WORKSPACE_YAML = [
  'apiVersion: butler.butlerlabs.dev/v1alpha1',
  'kind: Workspace',
  'metadata:',
  '  name: jane-dev',
  '  namespace: team-a',
  'spec:',
  '  image: ghcr.io/butlerdotdev/workspace-node:22',
  '',
].join('\n');

export function aWorkspaceEntity(): Entity {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: {
      name: 'jane-dev',
      namespace: 'team-a',
      labels: { 'portal.butlerlabs.dev/template': 'node-dev' },
      annotations: {
        'portal.butlerlabs.dev/source-repository': 'platform',
        'portal.butlerlabs.dev/source-path': 'workspaces/team-a/jane-dev.yaml',
        'portal.butlerlabs.dev/source-commit':
          '0123456789abcdef0123456789abcdef01234567',
        'portal.butlerlabs.dev/open-changes': 'platform:12',
        'backstage.io/view-url':
          'https://git.example/platform/blob/main/workspaces/team-a/jane-dev.yaml',
        'backstage.io/edit-url':
          'https://git.example/platform/edit/main/workspaces/team-a/jane-dev.yaml',
      },
    },
    spec: {
      image: 'ghcr.io/butlerdotdev/workspace-node:22',
      owner: 'jane@example.com',
      clusterRef: { name: 'dev-cluster', namespace: 'team-a' },
      resources: { cpu: '2', memory: '4Gi' },
      repositories: [{ url: 'https://git.example/app.git', branch: 'main' }],
    },
  };
}

export function aResourceDetail(
  overrides: Partial<ResourceDetail> = {},
): ResourceDetail {
  const entity = aWorkspaceEntity();
  return {
    repository: 'platform',
    kind: 'Workspace',
    namespace: 'team-a',
    name: 'jane-dev',
    path: 'workspaces/team-a/jane-dev.yaml',
    revision: '0123456789abcdef0123456789abcdef01234567',
    object: {
      apiVersion: entity.apiVersion,
      kind: 'Workspace',
      metadata: { name: 'jane-dev', namespace: 'team-a' },
      spec: entity.spec as Record<string, unknown>,
    },
    yaml: WORKSPACE_YAML,
    changes: [],
    ...overrides,
  };
}

export function aSyncTarget(
  resource: Partial<SyncTargetStatus['resources'][number]> = {},
): SyncTargetStatus {
  return {
    repository: 'platform',
    target: 'butler',
    condition: 'Ready',
    reason: 'Synced',
    revision: 'fedcba9876543210fedcba9876543210fedcba98',
    consecutiveFailures: 0,
    resources: [
      {
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'jane-dev',
        status: 'Synced',
        revision: 'fedcba9876543210fedcba9876543210fedcba98',
        reason: 'Applied',
        ...resource,
      },
    ],
  };
}
