/*
 * GitOps resources, change requests and mock APIs for the component tests.
 */
import type {
  ChangeSummary,
  ResourceDetail,
} from '@butler-portal/plugin-gitops-react';
import {
  aChange as aSharedChange,
  mockGitopsApi,
} from '@butler-portal/plugin-gitops-react/testUtils';
import type { LiveWorkspace } from '@butler-portal/plugin-butler-common';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import type { ButlerRuntimeApi } from '../api';
import type { ParsedEntry } from '../lib/workspaces';

export const REVISION = '0123456789abcdef0123456789abcdef01234567';

/** A workspace file with comments, as a person would write it. */
export const JANE_DEV_YAML = [
  "# Jane's everyday workspace",
  'apiVersion: butler.butlerlabs.dev/v1alpha1',
  'kind: Workspace',
  'metadata:',
  '  name: jane-dev',
  '  namespace: team-a',
  '  annotations:',
  '    portal.butlerlabs.dev/template: go-backend',
  'spec:',
  '  clusterRef:',
  '    name: dev-cluster',
  '  image: ghcr.io/butlerdotdev/workspace-go:1.23',
  '  owner: jane@example.com',
  '  resources:',
  "    cpu: '2' # quoted: a quantity is a string",
  '    memory: 8Gi',
  '  repositories:',
  '    - url: https://github.com/acme/api.git',
  '      branch: main',
  '',
].join('\n');

export function aWorkspace(
  name: string,
  namespace: string,
  owner: string,
  extra: Record<string, any> = {},
): GitOpsResource {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: {
      name,
      namespace,
      annotations: { 'portal.butlerlabs.dev/template': 'go-backend' },
    },
    spec: {
      clusterRef: { name: 'dev-cluster' },
      image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
      owner,
      resources: { cpu: '2', memory: '8Gi' },
      ...extra,
    },
  };
}

export function anEntry(object: GitOpsResource): ParsedEntry {
  const { namespace, name } = object.metadata;
  const folder =
    object.kind === 'Workspace' ? 'workspaces' : 'workspace-templates';
  return {
    repository: 'platform',
    kind: object.kind,
    namespace,
    name,
    path: `${folder}/${namespace}/${name}.yaml`,
    revision: REVISION,
    object,
  };
}

export function janeDevDetail(
  overrides: Partial<ResourceDetail> = {},
): ResourceDetail {
  return {
    ...anEntry(
      aWorkspace('jane-dev', 'team-a', 'jane@example.com', {
        repositories: [
          { url: 'https://github.com/acme/api.git', branch: 'main' },
        ],
      }),
    ),
    yaml: JANE_DEV_YAML,
    changes: [],
    ...overrides,
  };
}

export function aTemplate(): ParsedEntry {
  return anEntry({
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'WorkspaceTemplate',
    metadata: {
      name: 'go-backend',
      namespace: 'butler-system',
      annotations: { 'portal.butlerlabs.dev/max-memory': '16Gi' },
    },
    spec: {
      displayName: 'Go backend',
      description: 'Go 1.23 with the API repository',
      category: 'backend',
      template: {
        image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
        resources: { cpu: '2', memory: '8Gi' },
        storageSize: '20Gi',
        repositories: [
          { url: 'https://github.com/acme/api.git', branch: 'main' },
        ],
      },
    },
  });
}

/** A change requesting workspace team-a/jane-new on GitHub, as the pages link and list it. */
export function aChange(overrides: Partial<ChangeSummary> = {}): ChangeSummary {
  return aSharedChange({
    provider: 'github',
    title: 'Create workspace team-a/jane-new',
    branch: 'butler/workspace/jane-new',
    url: 'https://github.example/acme/platform/pull/12',
    paths: ['workspaces/team-a/jane-new.yaml'],
    resources: [
      {
        kind: 'Workspace',
        namespace: 'team-a',
        name: 'jane-new',
        operation: 'create',
      },
    ],
    ...overrides,
  });
}

export { mockGitopsApi };

export const UNAVAILABLE_REASON =
  'Live status and start/stop are unavailable: this portal runs no butler backend.';

export function mockRuntimeApi(
  live?: LiveWorkspace[],
): jest.Mocked<ButlerRuntimeApi> {
  return {
    getAvailability: jest.fn().mockResolvedValue(
      live
        ? {
            available: true,
            status: { configured: true, reachable: true },
          }
        : { available: false, reason: UNAVAILABLE_REASON },
    ),
    listWorkspaces: jest.fn().mockResolvedValue(live ?? []),
    getWorkspace: jest.fn(async ({ namespace, name }) => {
      const found = live?.find(
        w => w.namespace === namespace && w.name === name,
      );
      if (!found) throw new Error('not found');
      return found;
    }),
    start: jest.fn(async ref => ({ ...ref, desiredState: 'running' as const })),
    stop: jest.fn(async ref => ({ ...ref, desiredState: 'stopped' as const })),
  };
}

/** The catalog as the pages use it: the signed-in user's entity, with a profile email. */
export function mockCatalogApi(email = 'jane@example.com') {
  return {
    getEntityByRef: jest.fn().mockResolvedValue({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: { name: 'jane' },
      spec: { profile: { email } },
    }),
  };
}
