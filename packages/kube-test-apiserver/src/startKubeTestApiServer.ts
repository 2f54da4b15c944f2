/*
 * Starts a test API server on 127.0.0.1 with an ephemeral port, with CRDs installed through
 * its own API (so they are validated like any CRD sent to it).
 */
import type { ExecProcess } from './exec/execServer';
import { KubeConfig } from '@kubernetes/client-node';
import { readCrds } from './butlerCrds';
import { kubeConfigFor, kubeconfigYamlFor } from './kubeconfig';
import { FaultSpec, InjectedFault } from './server/faults';
import { KubeTestApiServer, RecordedRequest } from './server/KubeTestApiServer';

export interface StartKubeTestApiServerOptions {
  /** CRDs to install: file or directory paths, or CRD objects */
  crds?: Array<string | Record<string, any>>;
  /** namespaces that exist from the start (default: default, kube-system) */
  namespaces?: string[];
  /** watch events kept for resuming watches (default 10000); older resourceVersions get 410 */
  watchHistorySize?: number;
  /** time between periodic watch bookmarks, ms (default 60000, as the apiserver) */
  watchBookmarkIntervalMs?: number;
  /** where `pods/exec` runs its processes, one folder per pod (default a fresh temporary folder) */
  execSandboxRoot?: string;
}

export interface KubeTestApiServerHandle {
  /** http://127.0.0.1:<port> */
  url: string;
  /** a KubeConfig whose current context points at the server (namespace default) */
  kubeconfig: KubeConfig;
  /** the same as kubeconfig YAML, for tools that read a file */
  kubeconfigYaml: string;
  /** the next matching requests fail as told (500, 409, hang, any status) */
  inject(fault: FaultSpec): InjectedFault;
  /** every request received so far, in order */
  requests(): readonly RecordedRequest[];
  /** forgets the watch history: watches from an older resourceVersion get 410 Expired */
  compactWatchHistory(): void;
  /** ends every open watch stream (clients reconnect), as an apiserver restart does */
  closeWatches(): void;
  /**
   * drops open watch connections with a TCP reset mid-stream (clients see ECONNRESET and must
   * resume from their last resourceVersion); `path` (substring or RegExp) picks which.
   * Returns how many were dropped.
   */
  resetWatches(path?: string | RegExp): number;
  /** creates an object directly (as POST by fieldManager), e.g. to seed another manager's object */
  createObject(
    object: Record<string, any>,
    fieldManager?: string,
  ): Record<string, any>;
  /** the current global resourceVersion */
  resourceVersion(): number;
  /** every `pods/exec` session so far: its process, what reached its stdin, its exit */
  execProcesses(): readonly ExecProcess[];
  /** the folder under which each pod's exec'd processes run (`<root>/<namespace>/<pod>`) */
  execSandboxRoot: string;
  stop(): Promise<void>;
}

export async function startKubeTestApiServer(
  options: StartKubeTestApiServerOptions = {},
): Promise<KubeTestApiServerHandle> {
  const server = new KubeTestApiServer({
    watchHistorySize: options.watchHistorySize,
    watchBookmarkIntervalMs: options.watchBookmarkIntervalMs,
    execSandboxRoot: options.execSandboxRoot,
  });
  const url = await server.listen();
  try {
    for (const name of options.namespaces ?? ['default', 'kube-system']) {
      server.createObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name },
      });
    }
    const crdObjects = (options.crds ?? []).flatMap(c =>
      typeof c === 'string' ? readCrds([c]) : [c],
    );
    for (const crd of crdObjects) server.createObject(crd);
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    url,
    kubeconfig: kubeConfigFor(url),
    kubeconfigYaml: kubeconfigYamlFor(url),
    inject: fault => server.inject(fault),
    requests: () => server.requests,
    compactWatchHistory: () => server.store.compact(),
    closeWatches: () => server.closeWatches(),
    resetWatches: path => server.resetWatches(path),
    createObject: (object, fieldManager) =>
      server.createObject(object, fieldManager),
    resourceVersion: () => server.store.currentResourceVersion(),
    execProcesses: () => server.exec.processes(),
    execSandboxRoot: server.exec.sandboxRoot,
    stop: () => server.stop(),
  };
}
