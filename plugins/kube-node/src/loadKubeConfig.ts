/*
 * Where the Kubernetes target finds its cluster: a kubeconfig file (optionally one context of
 * it), the pod's service account (in-cluster), or the default kubeconfig ($KUBECONFIG,
 * ~/.kube/config). Errors name the file and the choices.
 */
import fs from 'fs';
import { KubeConfig } from '@kubernetes/client-node';
import { InputError } from '@backstage/errors';

export interface KubeConfigSource {
  /** a kubeconfig file */
  kubeconfigPath?: string;
  /** a context of the kubeconfig (default: its current context) */
  context?: string;
  /** the service account of the pod the portal runs in */
  inCluster?: boolean;
}

export function loadKubeConfig(source: KubeConfigSource = {}): KubeConfig {
  const kc = new KubeConfig();
  if (source.inCluster) {
    if (source.kubeconfigPath) {
      throw new InputError(
        'kubernetes target: set either inCluster or kubeconfigPath, not both',
      );
    }
    if (!process.env.KUBERNETES_SERVICE_HOST) {
      throw new InputError(
        'kubernetes target: inCluster is set but the portal is not running in a cluster (KUBERNETES_SERVICE_HOST is unset)',
      );
    }
    kc.loadFromCluster();
  } else if (source.kubeconfigPath) {
    if (!fs.existsSync(source.kubeconfigPath)) {
      throw new InputError(
        `kubernetes target: kubeconfig ${source.kubeconfigPath} does not exist`,
      );
    }
    try {
      kc.loadFromFile(source.kubeconfigPath);
    } catch (error) {
      throw new InputError(
        `kubernetes target: cannot read kubeconfig ${source.kubeconfigPath}: ${
          (error as Error).message
        }`,
      );
    }
  } else {
    kc.loadFromDefault();
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      const known = kc.getContexts().map(c => c.name);
      throw new InputError(
        `kubernetes target: context "${source.context}" is not in ${
          source.kubeconfigPath ?? 'the kubeconfig'
        } (contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(source.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new InputError(
      `kubernetes target: ${
        source.kubeconfigPath ?? 'the kubeconfig'
      } has no current cluster`,
    );
  }
  return kc;
}
