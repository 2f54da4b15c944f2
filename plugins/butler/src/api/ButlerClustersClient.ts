/*
 * HTTP client of the butler backend's inventory routes (`/api/butler`). The event stream is read
 * with fetch (not EventSource) so that it carries the same Backstage token as every call.
 */
import { ResponseError } from '@backstage/errors';
import type {
  AddonDefinitionInfo,
  ButlerMe,
  InventoryChangeEvent,
  InventoryStatus,
  ItemList,
  TeamInfo,
  TenantAddonInfo,
  TenantClusterDetail,
  TenantClusterSummary,
} from '@butler-portal/plugin-butler-common';
import type {
  ButlerClustersApi,
  ClustersAvailability,
} from './ButlerClustersApi';

/** How to connect a management cluster, for the pages' empty state. */
export const CONFIGURE_HINT =
  'Set butler.managementCluster in app-config (inCluster: true, or kubeconfigPath and context) to show live clusters; cluster and addon changes still open change requests against the repository.';

async function requestError(response: Response): Promise<ResponseError> {
  const error = await ResponseError.fromResponse(response);
  if (error.cause?.message) error.message = error.cause.message;
  return error;
}

function query(params: Record<string, string | undefined>): string {
  const defined = Object.entries(params).filter(
    (e): e is [string, string] => e[1] !== undefined && e[1] !== '',
  );
  return defined.length ? `?${new URLSearchParams(defined)}` : '';
}

export class ButlerClustersClient implements ButlerClustersApi {
  readonly #discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  readonly #fetchApi: { fetch: typeof fetch };
  readonly #retryMs: number;

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi: { fetch: typeof fetch };
    /** wait before reconnecting the event stream (default 3 s) */
    retryMs?: number;
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
    this.#retryMs = options.retryMs ?? 3000;
  }

  async getAvailability(): Promise<ClustersAvailability> {
    let response: Response;
    try {
      response = await this.#fetch('/inventory/status');
    } catch (error) {
      return {
        available: false,
        configured: true,
        reason: `the butler backend cannot be reached (${String(error)})`,
      };
    }
    if (response.status === 404) {
      return {
        available: false,
        configured: false,
        reason: 'this portal runs no butler backend',
      };
    }
    if (!response.ok) {
      const error = await requestError(response);
      return { available: false, configured: true, reason: error.message };
    }
    const status = (await response.json()) as InventoryStatus;
    if (!status.configured) {
      return {
        available: false,
        configured: false,
        reason: status.reason ?? 'no management cluster is configured',
        status,
      };
    }
    const synced = Object.values(status.kinds).every(k => k?.synced);
    if (!synced) {
      return {
        available: false,
        configured: true,
        reason: status.reason ?? 'the management cluster has not answered yet',
        status,
      };
    }
    return { available: true, status };
  }

  getMe() {
    return this.#json<ButlerMe>('/me');
  }

  async listClusters(filter: { team?: string; phase?: string } = {}) {
    return (
      await this.#json<ItemList<TenantClusterSummary>>(
        `/clusters${query(filter)}`,
      )
    ).items;
  }

  getCluster(ref: { namespace: string; name: string }) {
    // encoded so that a hostile name cannot steer the request to another path
    return this.#json<TenantClusterDetail>(
      `/clusters/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
        ref.name,
      )}`,
    );
  }

  async listAddons(filter: { namespace?: string; cluster?: string } = {}) {
    return (
      await this.#json<ItemList<TenantAddonInfo>>(`/addons${query(filter)}`)
    ).items;
  }

  async listAddonDefinitions() {
    return (
      await this.#json<ItemList<AddonDefinitionInfo>>('/addon-definitions')
    ).items;
  }

  async listTeams() {
    return (await this.#json<ItemList<TeamInfo>>('/teams')).items;
  }

  async downloadKubeconfig(ref: { namespace: string; name: string }) {
    const response = await this.#fetch(
      `/clusters/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
        ref.name,
      )}/kubeconfig`,
    );
    if (!response.ok) throw await requestError(response);
    const disposition = response.headers.get('content-disposition') ?? '';
    return {
      filename:
        /filename="([^"]+)"/.exec(disposition)?.[1] ??
        `${ref.name}-kubeconfig.yaml`,
      content: await response.blob(),
    };
  }

  subscribe(handlers: {
    onEvent(event: InventoryChangeEvent): void;
    onStatus?(status: InventoryStatus): void;
  }): () => void {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = async () => {
      try {
        const response = await this.#fetch('/events', {
          signal: controller.signal,
        });
        if (!response.ok || !response.body) throw await requestError(response);
        const reader = response.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          buffer += decoder.decode(value, { stream: true });
          const parts = buffer.split('\n\n');
          buffer = parts.pop()!;
          for (const part of parts) {
            const event = /^event: (\w+)/m.exec(part)?.[1];
            const data = /^data: (.*)$/m.exec(part)?.[1];
            if (!event || !data) continue;
            if (event === 'change') handlers.onEvent(JSON.parse(data));
            if (event === 'status') handlers.onStatus?.(JSON.parse(data));
          }
        }
      } catch {
        // reconnected below; a page keeps its last answer meanwhile
      }
      if (!controller.signal.aborted)
        timer = setTimeout(connect, this.#retryMs);
    };
    void connect();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }

  async #fetch(path: string, init?: RequestInit): Promise<Response> {
    const base = await this.#discoveryApi.getBaseUrl('butler');
    return this.#fetchApi.fetch(`${base}${path}`, init);
  }

  async #json<T>(path: string): Promise<T> {
    const response = await this.#fetch(path);
    if (!response.ok) throw await requestError(response);
    return (await response.json()) as T;
  }
}
