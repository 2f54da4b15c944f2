import { parseAllDocuments } from 'yaml';
import type { GitOpsResource } from '@butler-portal/plugin-gitops-common';
import {
  MANAGED_BY_LABEL,
  renderResources,
  withManagedByLabel,
} from './renderResources';

function workspace(namespace: string, name: string, labels?: Record<string, string>): GitOpsResource {
  return {
    apiVersion: 'butler.butlerlabs.dev/v1alpha1',
    kind: 'Workspace',
    metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: { owner: `${name}@example.com`, clusterRef: { name: 'dev' }, image: 'golang:1.23' },
  };
}

const addon: GitOpsResource = {
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'TenantAddon',
  metadata: { name: 'cert-manager', namespace: 'team-b' },
  spec: { clusterRef: { name: 'dev' }, version: 'v1.16.2' },
};

describe('withManagedByLabel', () => {
  it('adds the label and keeps the labels already there, without touching the input', () => {
    const input = workspace('team-a', 'alice', { app: 'payments' });
    const output = withManagedByLabel(input);
    expect(output.metadata.labels).toEqual({
      app: 'payments',
      [MANAGED_BY_LABEL]: 'butler-portal',
    });
    expect(input.metadata.labels).toEqual({ app: 'payments' });
    expect(output.spec).toEqual(input.spec);
  });
});

describe('renderResources', () => {
  it('writes a --- separated stream sorted by kind, namespace and name', () => {
    const out = renderResources([
      workspace('team-b', 'bob'),
      workspace('team-a', 'zoe'),
      addon,
      workspace('team-a', 'alice'),
    ]);
    expect(out.startsWith('---\n')).toBe(true);
    const docs = parseAllDocuments(out);
    expect(Array.isArray(docs)).toBe(true);
    const objects = (docs as any[]).map(d => d.toJS());
    expect(
      objects.map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`),
    ).toEqual([
      'TenantAddon team-b/cert-manager',
      'Workspace team-a/alice',
      'Workspace team-a/zoe',
      'Workspace team-b/bob',
    ]);
    expect(objects[1]).toEqual({
      apiVersion: 'butler.butlerlabs.dev/v1alpha1',
      kind: 'Workspace',
      metadata: {
        name: 'alice',
        namespace: 'team-a',
        labels: { [MANAGED_BY_LABEL]: 'butler-portal' },
      },
      spec: { owner: 'alice@example.com', clusterRef: { name: 'dev' }, image: 'golang:1.23' },
    });
  });

  it('renders nothing for no resources', () => {
    expect(renderResources([])).toBe('');
  });
});
