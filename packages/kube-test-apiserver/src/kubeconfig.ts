/*
 * A kubeconfig pointing at a test server: as a @kubernetes/client-node KubeConfig and as the
 * YAML a kubectl or another process would read.
 */
import { KubeConfig } from '@kubernetes/client-node';
import YAML from 'yaml';

const NAME = 'kube-test-apiserver';

export function kubeconfigYamlFor(url: string, namespace = 'default'): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses plain http unless TLS verification is declared off.
    clusters: [
      {
        name: NAME,
        cluster: { server: url, 'insecure-skip-tls-verify': true },
      },
    ],
    users: [{ name: NAME, user: { token: 'kube-test-apiserver-token' } }],
    contexts: [
      { name: NAME, context: { cluster: NAME, user: NAME, namespace } },
    ],
    'current-context': NAME,
    preferences: {},
  });
}

export function kubeConfigFor(url: string, namespace = 'default'): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfigYamlFor(url, namespace));
  return kc;
}
