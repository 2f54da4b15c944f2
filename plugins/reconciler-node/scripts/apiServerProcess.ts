/*
 * The kube test API server in a child process, for benchmarks: a real apiserver is another
 * process, so the backend's CPU time and memory (what a benchmark prints) must not include the
 * server's. The parent gets a kubeconfig and can ask how many requests (and writes) were served.
 */
import { fork, type ChildProcess } from 'child_process';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  kubeConfigFor,
  loadButlerCrds,
  startKubeTestApiServer,
} from '@butler-portal/kube-test-apiserver';
import { KINDS } from '@butler-portal/plugin-gitops-common';

interface Counts {
  requests: number;
  writes: number;
  /** the server process's CPU time so far (user + system) */
  cpuMs: number;
}

export interface ApiServerProcess {
  kubeconfig: KubeConfig;
  counts(): Promise<Counts>;
  stop(): Promise<void>;
}

const CHILD_FLAG = '--kube-test-apiserver-child';

/** starts the server in a child process with the Butler CRDs and the given namespaces */
export async function startApiServerProcess(
  namespaces: string[],
): Promise<ApiServerProcess> {
  const child: ChildProcess = fork(__filename, [CHILD_FLAG, ...namespaces], {
    execArgv: ['-r', '@backstage/cli/config/nodeTransform.cjs'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // (Backstage's transform sends messages of its own over the channel: only ours count)
  const url = await new Promise<string>((resolve, reject) => {
    child.on('message', m => {
      const message = m as { url?: string };
      if (message.url) resolve(message.url);
    });
    child.once('exit', code =>
      reject(new Error(`the API server process exited (${code})`)),
    );
  });
  let waiting: Array<(c: Counts) => void> = [];
  child.on('message', m => {
    const message = m as { counts?: Counts };
    if (message.counts) {
      const [next, ...rest] = waiting;
      waiting = rest;
      next?.(message.counts);
    }
  });
  return {
    kubeconfig: kubeConfigFor(url),
    counts: () =>
      new Promise<Counts>(resolve => {
        waiting.push(resolve);
        child.send('counts');
      }),
    stop: () =>
      new Promise<void>(resolve => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}

async function runChild(namespaces: string[]) {
  const server = await startKubeTestApiServer({
    crds: loadButlerCrds(KINDS.filter(k => k.applied).map(k => k.crdName!)),
    namespaces,
  });
  process.on('message', async message => {
    if (message === 'counts') {
      const requests = server.requests();
      const cpu = process.cpuUsage();
      process.send!({
        counts: {
          requests: requests.length,
          writes: requests.filter(r => r.method !== 'GET').length,
          cpuMs: (cpu.user + cpu.system) / 1000,
        },
      });
    } else if (message === 'stop') {
      await server.stop();
      process.exit(0);
    }
  });
  // the benchmark ended (or died): nothing is left behind
  process.on('disconnect', () => process.exit(0));
  process.send!({ url: server.url });
}

if (process.argv[2] === CHILD_FLAG) {
  runChild(process.argv.slice(3)).catch(error => {
    console.error(error);
    process.exit(1);
  });
}
