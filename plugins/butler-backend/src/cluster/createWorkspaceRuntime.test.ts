/*
 * Which runtime the configuration gives: none, an unusable kubeconfig (a reason, not a crash),
 * or the cluster.
 */
import {
  createMockDirectory,
  mockServices,
} from '@backstage/backend-test-utils';
import { startTestServer } from '../__testUtils__/workspaceCluster';
import { createWorkspaceRuntime } from './createWorkspaceRuntime';
import { ManagementCluster } from './ManagementCluster';
import { NOT_CONFIGURED_REASON } from './WorkspaceRuntime';

describe('createWorkspaceRuntime', () => {
  const logger = mockServices.logger.mock();

  it('is unavailable, not configured, without butler.managementCluster', () => {
    expect(createWorkspaceRuntime({}, logger).status()).toEqual({
      configured: false,
      reachable: false,
      reason: NOT_CONFIGURED_REASON,
    });
  });

  it('reports a kubeconfig that cannot be loaded under the butler key', () => {
    const runtime = createWorkspaceRuntime(
      { managementCluster: { kubeconfigPath: '/nonexistent/kubeconfig' } },
      logger,
    );
    expect(runtime.status()).toEqual({
      configured: true,
      reachable: false,
      reason:
        'butler.managementCluster: kubeconfig /nonexistent/kubeconfig does not exist',
    });
    expect(logger.error).toHaveBeenCalledWith(runtime.status().reason);
  });

  it('connects to the cluster of a kubeconfig file', async () => {
    const server = await startTestServer();
    const dir = createMockDirectory({
      content: { 'kubeconfig.yaml': server.kubeconfigYaml },
    });
    const runtime = createWorkspaceRuntime(
      { managementCluster: { kubeconfigPath: `${dir.path}/kubeconfig.yaml` } },
      logger,
    );
    expect(runtime).toBeInstanceOf(ManagementCluster);
    // configured, not yet started
    expect(runtime.status()).toEqual({
      configured: true,
      reachable: false,
      reason: 'connecting to the management cluster',
    });
    await runtime.start();
    expect(runtime.status()).toEqual({ configured: true, reachable: true });
    await runtime.stop();
    await server.stop();
  });
});
