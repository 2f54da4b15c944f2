/*
 * GitopsApi over HTTP: builds the URLs of the gitops backend's REST contract, sends the user's
 * token through fetchApi, and turns error bodies into readable errors.
 */
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type { GitopsApi } from './GitopsApi';
import { gitopsRequestError } from './requestError';
import type {
  ChangeDetail,
  ChangeFilter,
  ChangeSummary,
  OpenChangeFromBranchRequest,
  OpenChangeRequest,
  OpenedChange,
  Repository,
  ResourceDetail,
  ResourceEntry,
  Review,
  ReviewRequest,
  SyncTargetStatus,
} from './types';

/** Path segments are always encoded: a change id holds a `:`, and names come from users. */
const segment = (value: string) => encodeURIComponent(value);

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class GitopsClient implements GitopsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listRepositories(): Promise<Repository[]> {
    const body = await this.request<{ items: Repository[] }>('/repositories');
    return body.items;
  }

  async listResources(
    filter: { kind?: string; namespace?: string } = {},
  ): Promise<ResourceEntry[]> {
    const body = await this.request<{ items: ResourceEntry[] }>(
      `/resources${query(filter)}`,
    );
    return body.items;
  }

  async getResource(ref: {
    kind: string;
    namespace: string;
    name: string;
  }): Promise<ResourceDetail> {
    return this.request(
      `/resources/${segment(ref.kind)}/${segment(ref.namespace)}/${segment(
        ref.name,
      )}`,
    );
  }

  async openChange(
    request: OpenChangeRequest,
    options: { idempotencyKey?: string } = {},
  ): Promise<OpenedChange> {
    return this.request('/changes', {
      method: 'POST',
      body: request,
      headers: options.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : undefined,
    });
  }

  async openChangeFromBranch(
    request: OpenChangeFromBranchRequest,
  ): Promise<OpenedChange> {
    return this.request('/changes/from-branch', {
      method: 'POST',
      body: request,
    });
  }

  async listChanges(filter: ChangeFilter = {}): Promise<ChangeSummary[]> {
    const body = await this.request<{ items: ChangeSummary[] }>(
      `/changes${query({ ...filter })}`,
    );
    return body.items;
  }

  async getChange(id: string): Promise<ChangeDetail> {
    return this.request(`/changes/${segment(id)}`);
  }

  async review(id: string, request: ReviewRequest): Promise<Review> {
    return this.request(`/changes/${segment(id)}/reviews`, {
      method: 'POST',
      body: request,
    });
  }

  async merge(id: string): Promise<ChangeSummary> {
    return this.request(`/changes/${segment(id)}/merge`, { method: 'POST' });
  }

  async close(id: string): Promise<ChangeSummary> {
    return this.request(`/changes/${segment(id)}/close`, { method: 'POST' });
  }

  async getSyncStatus(): Promise<SyncTargetStatus[] | undefined> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    const response = await this.fetchApi.fetch(`${baseUrl}/sync`, {
      method: 'GET',
    });
    // a backend without a reconciler has no /sync route: nothing to report, not a failure
    if (response.status === 404) return undefined;
    if (!response.ok) throw await gitopsRequestError(response);
    const body = (await response.json()) as { items: SyncTargetStatus[] };
    return body.items;
  }

  async getSchemaUrl(kind: string): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    return `${baseUrl}/schemas/${segment(kind.toLowerCase())}.json`;
  }

  private async request<T>(
    path: string,
    init: {
      method?: string;
      body?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    const headers: Record<string, string> = { ...init.headers };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, {
      method: init.method ?? 'GET',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    if (!response.ok) throw await gitopsRequestError(response);
    return (await response.json()) as T;
  }
}
