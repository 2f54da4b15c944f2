/*
 * TenantCluster end to end on the cluster side: the repo-layout example, applied by the
 * reconciler's Kubernetes target (server-side apply as butler-portal, checked by the test API
 * server against the real CRD), is seen by the inventory, and once its controller writes status
 * the REST projection shows phase, workers and version.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { startClusterTestEnvironment } from '@butler-portal/kube-test-apiserver';
import { parseResourceYaml } from '@butler-portal/plugin-gitops-common';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import { KubernetesTarget } from '@butler-portal/plugin-reconciler-node';
import { butlerClient, INVENTORY_CRDS } from '../__testUtils__/butlerObjects';
import { ClusterInventory } from './ButlerInventory';
import { toClusterSummary } from './projections';

jest.setTimeout(60_000);

const EXAMPLE = path.resolve(
  __dirname,
  '../../../../repo-layouts/platform/tenant-clusters/team-a/team-a-dev.yaml',
);

it('applies the example TenantCluster with the reconciler and follows it in the inventory', async () => {
  const env = await startClusterTestEnvironment({ crds: INVENTORY_CRDS });
  const inventory = new ClusterInventory({
    kubeConfig: env.kubeConfig,
    backoffMs: 20,
    kinds: ['TenantCluster'],
  });
  try {
    await inventory.start();
    const parsed = parseResourceYaml(fs.readFileSync(EXAMPLE, 'utf8'));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const file = parsed.yaml.value as any;
    // in the namespace of the test environment (its own on a real cluster)
    const object = {
      ...file,
      metadata: { ...file.metadata, namespace: env.namespace },
    };
    const target = new KubernetesTarget({ kubeConfig: env.kubeConfig });
    const [result] = await target.apply([
      {
        ref: {
          kind: 'TenantCluster',
          namespace: env.namespace,
          name: 'team-a-dev',
        },
        object,
        hash: crypto
          .createHash('sha256')
          .update(JSON.stringify(object))
          .digest('hex'),
      },
    ]);
    expect(result).toMatchObject({ ok: true, outcome: 'created' });

    const seen = await eventually(
      () => inventory.get('TenantCluster', 'team-a-dev', env.namespace),
      'the applied cluster',
    );
    expect(seen.spec).toMatchObject({
      teamRef: { name: 'team-a' },
      kubernetesVersion: 'v1.31.4',
      workers: { replicas: 3 },
    });

    // what the cluster controller would write
    await butlerClient(env.kubeConfig).setStatus(
      'TenantCluster',
      'team-a-dev',
      {
        phase: 'Ready',
        observedState: {
          kubernetesVersion: 'v1.31.4',
          workers: { desired: 3, ready: 3 },
        },
      },
      env.namespace,
    );
    const ready = await eventually(() => {
      const c = inventory.get('TenantCluster', 'team-a-dev', env.namespace);
      return c?.status?.phase === 'Ready' ? c : undefined;
    }, 'the status');
    expect(toClusterSummary(ready, 'team-a', [])).toMatchObject({
      phase: 'Ready',
      kubernetesVersion: 'v1.31.4',
      observedKubernetesVersion: 'v1.31.4',
      workers: { desired: 3, ready: 3 },
    });
  } finally {
    await inventory.stop();
    await env.cleanup();
  }
});
