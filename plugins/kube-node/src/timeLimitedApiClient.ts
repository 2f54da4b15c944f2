/*
 * A @kubernetes/client-node API client (CustomObjectsApi, KubernetesObjectApi, ...) with a time
 * limit on every request, so a hanging apiserver answers with a timeout instead of stalling a
 * sync or holding a portal request open. Watches are long-lived and go through Watch instead.
 *
 * Connections are kept alive and reused: client-node makes a new agent (so a new TCP connection,
 * and a TLS handshake against a real apiserver) for every request, which made a first sync of
 * thousands of objects pay a connection per call.
 */
import http from 'http';
import https from 'https';
import {
  Configuration,
  createConfiguration,
  KubeConfig,
  RequestContext,
  ResponseContext,
  ServerConfiguration,
} from '@kubernetes/client-node';

/** the options of an agent that decide which connections it may reuse */
const CONNECTION_OPTIONS = [
  'ca',
  'cert',
  'key',
  'pfx',
  'passphrase',
  'rejectUnauthorized',
  'servername',
  'ciphers',
  'crl',
  'secureProtocol',
] as const;

type AgentOptions = Record<string, unknown>;

/** certificates are read again for every request: equal bytes are the same option */
function sameOption(a: unknown, b: unknown): boolean {
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return a.equals(b);
  return a === b;
}

/**
 * One keep-alive agent per client in place of client-node's per-request ones. Only plain
 * http/https agents are replaced (a proxy agent is left as client-node made it); a change in the
 * TLS options (a client certificate rotated by an exec plugin, say) makes a new agent.
 */
function keepAliveAgents() {
  let shared: { agent: http.Agent; options: AgentOptions } | undefined;
  return (agent: http.Agent | https.Agent | undefined) => {
    if (
      !agent ||
      (agent.constructor !== http.Agent && agent.constructor !== https.Agent)
    ) {
      return agent;
    }
    const options = ((agent as unknown as { options?: AgentOptions }).options ??
      {}) as AgentOptions;
    const same =
      shared &&
      shared.agent.constructor === agent.constructor &&
      CONNECTION_OPTIONS.every(k => sameOption(shared!.options[k], options[k]));
    if (!same) {
      shared?.agent.destroy();
      const Agent = agent.constructor as typeof http.Agent;
      shared = {
        agent: new Agent({ ...options, keepAlive: true }),
        options,
      };
    }
    return shared!.agent;
  };
}

export function makeTimeLimitedApiClient<T>(
  kc: KubeConfig,
  ApiClient: new (configuration: Configuration) => T,
  requestTimeoutMs: number,
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig has no current cluster');
  const agentFor = keepAliveAgents();
  return new ApiClient(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (context: RequestContext) => {
            context.setSignal(AbortSignal.timeout(requestTimeoutMs));
            const agent = agentFor(context.getAgent());
            if (agent) context.setAgent(agent);
            return context;
          },
          post: async (context: ResponseContext) => context,
        },
      ],
    }),
  );
}
