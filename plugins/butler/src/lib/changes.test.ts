/*
 * Each cluster and addon change is exactly one file added, edited or deleted, valid under the
 * schema generated from the real CRD; an edit is a one-line diff; an invalid value is refused
 * naming the field.
 */
// a test on Node: it reads the repo-layout example users copy, comments and all
// eslint-disable-next-line no-restricted-imports
import fs from 'fs';
// eslint-disable-next-line no-restricted-imports
import path from 'path';
import { validate } from '@butler-portal/plugin-gitops-common';
import {
  changedLines,
  newAddonFile,
  newClusterFile,
  parseValues,
  scaleCluster,
  upgradeAddon,
  upgradeCluster,
} from './changes';

const REPO = path.resolve(__dirname, '../../../..');
const EXAMPLE_PATH = 'tenant-clusters/team-a/team-a-dev.yaml';
const example = fs.readFileSync(
  path.join(REPO, 'repo-layouts/platform', EXAMPLE_PATH),
  'utf8',
);
const ADDON_PATH = 'tenant-addons/team-a/cert-manager.yaml';
const addonExample = fs.readFileSync(
  path.join(REPO, 'repo-layouts/platform', ADDON_PATH),
  'utf8',
);

describe('cluster changes', () => {
  it('creates one valid TenantCluster file at its layout path', () => {
    const change = newClusterFile({
      namespace: 'team-a',
      name: 'team-a-staging',
      team: 'team-a',
      kubernetesVersion: 'v1.31.4',
      replicas: 2,
    });
    expect(change.issues).toEqual([]);
    expect(change.path).toBe('tenant-clusters/team-a/team-a-staging.yaml');
    expect(change.yaml).toBe(`apiVersion: butler.butlerlabs.dev/v1alpha1
kind: TenantCluster
metadata:
  name: team-a-staging
  namespace: team-a
  annotations:
    portal.butlerlabs.dev/owner: group:default/team-a
spec:
  teamRef:
    name: team-a
  kubernetesVersion: v1.31.4
  workers:
    replicas: 2
`);
    expect(validate(change.yaml!, change.path).ok).toBe(true);
  });

  it('scales workers with a one-line diff, comments kept', () => {
    const change = scaleCluster(example, EXAMPLE_PATH, 5);
    expect(change.issues).toEqual([]);
    expect(changedLines(example, change.yaml!)).toBe(1);
    expect(change.yaml).toContain(
      '    # Scaling is a one-line change of this count.\n    replicas: 5\n',
    );
  });

  it('upgrades Kubernetes with a one-line diff', () => {
    const change = upgradeCluster(example, EXAMPLE_PATH, 'v1.32.1');
    expect(change.issues).toEqual([]);
    expect(changedLines(example, change.yaml!)).toBe(1);
    expect(change.yaml).toContain('kubernetesVersion: v1.32.1\n');
  });

  it.each<[string, () => ReturnType<typeof scaleCluster>, string]>([
    [
      'zero workers',
      () => scaleCluster(example, EXAMPLE_PATH, 0),
      '/spec/workers/replicas',
    ],
    [
      'a version that is not vX.Y.Z',
      () => upgradeCluster(example, EXAMPLE_PATH, '1.31'),
      '/spec/kubernetesVersion',
    ],
    [
      'a name that is a path',
      () =>
        newClusterFile({
          namespace: 'team-a',
          name: '../x',
          kubernetesVersion: 'v1.31.4',
          replicas: 1,
        }),
      'name',
    ],
  ])('refuses %s, naming the field', (_what, make, field) => {
    const change = make();
    expect(change.issues.length).toBeGreaterThan(0);
    expect(change.issues.join('\n')).toContain(field);
  });
});

describe('addon changes', () => {
  it('installs: one valid TenantAddon file with values', () => {
    const { values } = parseValues(
      'replicas: 2\nserviceMonitor:\n  enabled: true\n',
    );
    const change = newAddonFile({
      namespace: 'team-a',
      name: 'prometheus',
      cluster: 'team-a-dev',
      addon: 'prometheus',
      version: '1.2.0',
      values,
      team: 'team-a',
    });
    expect(change.issues).toEqual([]);
    expect(change.path).toBe('tenant-addons/team-a/prometheus.yaml');
    expect(change.yaml).toContain(
      '  values:\n    replicas: 2\n    serviceMonitor:\n      enabled: true\n',
    );
  });

  it('upgrades the version with a one-line diff', () => {
    const change = upgradeAddon(addonExample, ADDON_PATH, 'v1.17.0');
    expect(change.issues).toEqual([]);
    expect(changedLines(addonExample, change.yaml!)).toBe(1);
  });

  it('upgrades values in place', () => {
    const change = upgradeAddon(addonExample, ADDON_PATH, 'v1.16.2', {
      crds: { enabled: false },
    });
    expect(change.issues).toEqual([]);
    expect(changedLines(addonExample, change.yaml!)).toBe(1);
    expect(change.yaml).toContain('      enabled: false');
  });

  it('refuses values that are not a mapping, naming the line', () => {
    expect(parseValues('- a\n- b').issue).toBe(
      'values must be a mapping (key: value lines)',
    );
    expect(parseValues('a: [1, 2').issue).toMatch(/^values: /);
    expect(parseValues('')).toEqual({});
  });
});
