import { ResponseError } from '@backstage/errors';
import type {
  ClusterStatus,
  LiveWorkspace,
  LiveWorkspaceList,
  WorkspaceOperationResult,
} from '@butler-portal/plugin-butler-common';
import type { ButlerRuntimeApi, RuntimeAvailability } from './ButlerRuntimeApi';

/** Said when the portal has no butler backend or no management cluster. */
export const RUNTIME_UNAVAILABLE = 'Live status and start/stop are unavailable';

/** Availability "no", with why in one sentence (the server's reason may hold parentheses). */
function unavailable(why: string): RuntimeAvailability {
  return {
    available: false,
    reason: `${RUNTIME_UNAVAILABLE}: ${why.replace(/\.$/, '')}.`,
  };
}

/** A ResponseError whose message is the server's reason rather than only the status. */
async function requestError(response: Response): Promise<ResponseError> {
  const error = await ResponseError.fromResponse(response);
  if (error.cause?.message) error.message = error.cause.message;
  return error;
}

/** HTTP client of the butler backend (`/api/butler`). */
export class ButlerRuntimeClient implements ButlerRuntimeApi {
  readonly #discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  readonly #fetchApi: { fetch: typeof fetch };

  constructor(options: {
    discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
    fetchApi: { fetch: typeof fetch };
  }) {
    this.#discoveryApi = options.discoveryApi;
    this.#fetchApi = options.fetchApi;
  }

  async getAvailability(): Promise<RuntimeAvailability> {
    let response: Response;
    try {
      response = await this.#fetch('/status');
    } catch (error) {
      return unavailable(
        `the butler backend cannot be reached (${String(error)})`,
      );
    }
    // the embedded portal may run without the butler backend at all
    if (response.status === 404) {
      return unavailable('this portal runs no butler backend');
    }
    if (!response.ok) {
      const error = await requestError(response);
      return unavailable(error.message);
    }
    const status = (await response.json()) as ClusterStatus;
    if (!status.configured || !status.reachable) {
      const why =
        status.reason ??
        (status.configured
          ? 'the management cluster is not reachable'
          : 'no management cluster is configured');
      return unavailable(why);
    }
    return { available: true, status };
  }

  async listWorkspaces(
    filter: { namespace?: string } = {},
  ): Promise<LiveWorkspace[]> {
    const query = filter.namespace
      ? `?${new URLSearchParams({ namespace: filter.namespace })}`
      : '';
    const body = await this.#json<LiveWorkspaceList>(`/workspaces${query}`);
    return body.items;
  }

  getWorkspace(ref: { namespace: string; name: string }) {
    return this.#json<LiveWorkspace>(this.#workspacePath(ref));
  }

  start(ref: { namespace: string; name: string }) {
    return this.#json<WorkspaceOperationResult>(
      `${this.#workspacePath(ref)}/start`,
      { method: 'POST' },
    );
  }

  stop(ref: { namespace: string; name: string }) {
    return this.#json<WorkspaceOperationResult>(
      `${this.#workspacePath(ref)}/stop`,
      { method: 'POST' },
    );
  }

  #workspacePath(ref: { namespace: string; name: string }) {
    // encoded so that a hostile name cannot steer the request to another path
    return `/workspaces/${encodeURIComponent(
      ref.namespace,
    )}/${encodeURIComponent(ref.name)}`;
  }

  async #fetch(path: string, init?: RequestInit): Promise<Response> {
    const base = await this.#discoveryApi.getBaseUrl('butler');
    return this.#fetchApi.fetch(`${base}${path}`, init);
  }

  async #json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await this.#fetch(path, init);
    if (!response.ok) {
      throw await requestError(response);
    }
    return (await response.json()) as T;
  }
}
