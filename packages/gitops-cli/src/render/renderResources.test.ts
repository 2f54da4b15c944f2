import { parseAllDocuments } from 'yaml';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import { renderResources } from './renderResources';

function workspace(namespace: string, name: string): GitOpsResource {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace },
    spec: {
      owner: `${name}@example.com`,
      clusterRef: { name: 'dev' },
      image: 'golang:1.23',
      resources: { cpu: '2' },
    },
  };
}

const addon: GitOpsResource = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'TenantAddon',
  metadata: { name: 'cert-manager', namespace: 'team-b' },
  spec: { clusterRef: { name: 'dev' }, version: 'v1.16.2' },
};

describe('renderResources', () => {
  it('writes a --- separated stream sorted by kind, namespace and name', () => {
    const out = renderResources([
      workspace('team-b', 'bob'),
      workspace('team-a', 'zoe'),
      addon,
      workspace('team-a', 'alice'),
    ]);
    expect(out.startsWith('---\napiVersion: ')).toBe(true);
    const objects = parseAllDocuments(out).map((d: any) => d.toJS());
    expect(
      objects.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual([
      'TenantAddon team-b/cert-manager',
      'Workspace team-a/alice',
      'Workspace team-a/zoe',
      'Workspace team-b/bob',
    ]);
    // printed as they are: strings that look like numbers stay strings
    expect(objects[1]).toEqual(workspace('team-a', 'alice'));
  });

  it('renders nothing for no objects', () => {
    expect(renderResources([])).toBe('');
  });
});
