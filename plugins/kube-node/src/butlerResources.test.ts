import { loadButlerCrds } from '@butler-portal/kube-test-apiserver';
import {
  BUTLER_GROUP,
  BUTLER_RESOURCES,
  BUTLER_VERSION,
  butlerResource,
} from './butlerResources';

describe('BUTLER_RESOURCES', () => {
  const crds = loadButlerCrds();

  it.each(Object.values(BUTLER_RESOURCES))(
    '$kind matches its CRD (group, version, plural, scope, status subresource)',
    resource => {
      const crd = crds.find(c => c.spec.names.kind === resource.kind);
      expect(crd).toBeDefined();
      expect(crd!.spec.group).toBe(BUTLER_GROUP);
      expect(crd!.spec.names.plural).toBe(resource.plural);
      expect(crd!.spec.scope).toBe(resource.namespaced ? 'Namespaced' : 'Cluster');
      const version = crd!.spec.versions.find((v: any) => v.name === BUTLER_VERSION);
      expect(version?.served).toBe(true);
      expect(!!version?.subresources?.status).toBe(resource.statusSubresource);
    },
  );

  it('builds collection and object paths, encoding names', () => {
    expect(butlerResource('Team')).toBe('/apis/butler.butlerlabs.dev/v1alpha1/teams');
    expect(butlerResource('TenantCluster', { namespace: 'team-a', name: 'dev' })).toBe(
      '/apis/butler.butlerlabs.dev/v1alpha1/namespaces/team-a/tenantclusters/dev',
    );
    expect(butlerResource('Workspace', { namespace: 'team-a', name: '../x' })).toBe(
      '/apis/butler.butlerlabs.dev/v1alpha1/namespaces/team-a/workspaces/..%2Fx',
    );
  });

  it('refuses a namespace for a cluster-scoped kind', () => {
    expect(() => butlerResource('Team', { namespace: 'x' })).toThrow('Team is cluster-scoped');
  });
});
