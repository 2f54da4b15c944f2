/*
 * The cluster of the Kubernetes target's conformance tests: kube-test-apiserver's test
 * environment (the in-repo test API server, or the cluster of $TEST_KUBECONFIG) with the CRDs
 * of every kind the target applies.
 */
import {
  type ClusterTestEnvironment,
  startClusterTestEnvironment,
} from '@butler-portal/kube-test-apiserver';
import { KINDS } from '@butler-portal/plugin-gitops-common';

export const APPLIED_CRDS = KINDS.filter(k => k.applied).map(k => k.crdName!);

export function startKubernetesTestEnvironment(): Promise<ClusterTestEnvironment> {
  return startClusterTestEnvironment({ crds: APPLIED_CRDS });
}
