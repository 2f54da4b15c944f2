/*
 * Change requests under a burst: 50 concurrent creates on one local repository of 500 resources,
 * then 50 approve + merge, through the change service (what POST /changes and the merge route
 * call). Prints p50 / p95 / max per create and the totals.
 *
 *   node scripts/portal.js yarn workspace @butler-portal/plugin-gitops-backend run benchmark:changes
 */
import { performance } from 'perf_hooks';
import { LocalGitProvider } from '@butler-portal/plugin-gitops-backend-module-local';
import {
  createLocalRepository,
  removeTempDirs,
} from '@butler-portal/plugin-gitops-backend-module-local/testUtils';
import { ChangeService } from '@butler-portal/plugin-gitops-node';

const workspace = (name: string) => ({
  apiVersion: 'butler.butlerlabs.dev/v1alpha1',
  kind: 'Workspace',
  metadata: { name, namespace: 'team-a' },
  spec: {
    clusterRef: { name: 'dev-cluster' },
    owner: 'alice@example.com',
    image: 'ghcr.io/butlerdotdev/workspace-go:1.23',
  },
});

const people = (login: string) => ({
  userRef: `user:default/${login}`,
  name: login,
  email: `${login}@example.com`,
});

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const files: Record<string, string> = {};
  for (let i = 0; i < 500; i++) {
    files[`workspaces/team-a/ws-${i}.yaml`] = JSON.stringify(workspace(`ws-${i}`));
  }
  const { dir } = await createLocalRepository(files, { prefix: 'butler-bench-changes-' });
  const provider = new LocalGitProvider({ repository: 'platform', dir, requiredApprovals: 1 });
  const service = new ChangeService({
    repositories: [{ id: 'platform', provider, kinds: ['Workspace'] }],
  });

  const latencies: number[] = [];
  const started = performance.now();
  const submitted = await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const t = performance.now();
      const result = await service.submit(
        { operation: 'create', kind: 'workspaces', namespace: 'team-a', name: `new-${i}`, resource: workspace(`new-${i}`) },
        { actor: people(`user${i}`) },
      );
      latencies.push(performance.now() - t);
      return result;
    }),
  );
  const total = performance.now() - started;
  latencies.sort((a, b) => a - b);
  console.log(
    `50 concurrent creates (500-resource repository): all ${submitted.length} created, p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, max ${latencies[latencies.length - 1].toFixed(0)} ms, total ${total.toFixed(0)} ms (${(50_000 / total).toFixed(1)} creates/s)`,
  );

  const mergeStart = performance.now();
  for (const change of submitted) {
    await service.review(change.id, { decision: 'approve' }, people('reviewer'));
    await service.merge(change.id, people('reviewer'));
  }
  console.log(`50 approve + merge, one after the other: ${(performance.now() - mergeStart).toFixed(0)} ms`);
  await removeTempDirs();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
