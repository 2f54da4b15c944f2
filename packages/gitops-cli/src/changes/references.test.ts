import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import { keyString, referencesOf } from './references';

const resource = (
  kind: string,
  metadata: Partial<GitOpsResource['metadata']>,
  spec: Record<string, unknown> = {},
) =>
  ({
    apiVersion: 'x/v1',
    kind,
    metadata: { name: 'a', namespace: 'team-a', ...metadata },
    spec,
  } as GitOpsResource);

describe('referencesOf', () => {
  it('follows a Workspace to its template (annotation, label, other namespace) and cluster', () => {
    expect(
      referencesOf(
        resource(
          'Workspace',
          { annotations: { 'portal.butlerlabs.dev/template': 'go-dev' } },
          { clusterRef: { name: 'dev' } },
        ),
      ).map(keyString),
    ).toEqual(['WorkspaceTemplate/team-a/go-dev', 'TenantCluster/team-a/dev']);
    expect(
      referencesOf(
        resource('Workspace', {
          labels: { 'portal.butlerlabs.dev/template': 'shared/go-dev' },
        }),
      ).map(keyString),
    ).toEqual(['WorkspaceTemplate/shared/go-dev']);
  });

  it('follows a TenantAddon to its cluster and an ArtifactVersion to its Artifact', () => {
    expect(
      referencesOf(
        resource('TenantAddon', {}, { clusterRef: { name: 'dev' } }),
      ).map(keyString),
    ).toEqual(['TenantCluster/team-a/dev']);
    expect(
      referencesOf(
        resource('ArtifactVersion', {}, { artifact: 'web-app', version: '1' }),
      ).map(keyString),
    ).toEqual(['Artifact/team-a/web-app']);
  });

  it('finds nothing where a field is missing or of the wrong type', () => {
    expect(
      referencesOf(resource('Workspace', {}, { clusterRef: 'dev' })),
    ).toEqual([]);
    expect(
      referencesOf(resource('ArtifactVersion', {}, { artifact: 42 })),
    ).toEqual([]);
    expect(referencesOf(resource('Pipeline', {}))).toEqual([]);
  });
});
