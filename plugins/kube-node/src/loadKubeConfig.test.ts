import fs from 'fs';
import os from 'os';
import path from 'path';
import { loadKubeConfig } from './loadKubeConfig';

const kubeconfig = `
apiVersion: v1
kind: Config
clusters:
  - name: management
    cluster: { server: 'https://management.example:6443' }
  - name: staging
    cluster: { server: 'https://staging.example:6443' }
users:
  - name: portal
    user: { token: abc }
contexts:
  - name: management
    context: { cluster: management, user: portal, namespace: butler-system }
  - name: staging
    context: { cluster: staging, user: portal }
current-context: management
`;

describe('loadKubeConfig', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    file = path.join(dir, 'config');
    fs.writeFileSync(file, kubeconfig);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a kubeconfig file, at its current context or the one asked for', () => {
    expect(
      loadKubeConfig({ kubeconfigPath: file }).getCurrentCluster()?.server,
    ).toBe('https://management.example:6443');
    expect(
      loadKubeConfig({
        kubeconfigPath: file,
        context: 'staging',
      }).getCurrentCluster()?.server,
    ).toBe('https://staging.example:6443');
  });

  it('names the file and the choices when something is wrong', () => {
    expect(() =>
      loadKubeConfig({ kubeconfigPath: path.join(dir, 'nope') }),
    ).toThrow(
      `kubernetes target: kubeconfig ${path.join(dir, 'nope')} does not exist`,
    );
    expect(() =>
      loadKubeConfig({ kubeconfigPath: file, context: 'prod' }),
    ).toThrow(
      `kubernetes target: context "prod" is not in ${file} (contexts: management, staging)`,
    );
    expect(() =>
      loadKubeConfig({ kubeconfigPath: file, inCluster: true }),
    ).toThrow(
      'kubernetes target: set either inCluster or kubeconfigPath, not both',
    );
  });

  it('refuses in-cluster configuration outside a cluster', () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      expect(() => loadKubeConfig({ inCluster: true })).toThrow(
        'kubernetes target: inCluster is set but the portal is not running in a cluster (KUBERNETES_SERVICE_HOST is unset)',
      );
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});
