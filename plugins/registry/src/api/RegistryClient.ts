import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ArtifactDetailResponse,
  ArtifactListResponse,
  CreatedRegistryToken,
  RegistryTokenInfo,
  SourceRefResolution,
} from '@butler-portal/plugin-registry-common';
import type { RegistryApi } from './RegistryApi';

/** RegistryApi over HTTP; errors are ResponseErrors whose message is the server's reason. */
export class RegistryClient implements RegistryApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async listArtifacts(): Promise<ArtifactListResponse> {
    return this.request('/artifacts');
  }

  async getArtifact(ref: {
    namespace: string;
    name: string;
    version?: string;
  }): Promise<ArtifactDetailResponse> {
    // each segment encoded: a name like `../x` must stay one segment, the server refuses it
    const path = `/artifacts/${encodeURIComponent(
      ref.namespace,
    )}/${encodeURIComponent(ref.name)}`;
    const query = ref.version
      ? `?version=${encodeURIComponent(ref.version)}`
      : '';
    return this.request(path + query);
  }

  async resolveRange(ref: {
    namespace: string;
    name: string;
    range: string;
  }): Promise<{ range: string; version: string }> {
    return this.request(
      `/artifacts/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
        ref.name,
      )}/resolve?range=${encodeURIComponent(ref.range)}`,
    );
  }

  async resolveSourceRef(request: {
    source: string;
    ref: string;
  }): Promise<SourceRefResolution> {
    return this.request(
      `/sources/resolve?source=${encodeURIComponent(
        request.source,
      )}&ref=${encodeURIComponent(request.ref)}`,
    );
  }

  async listTokens(): Promise<RegistryTokenInfo[]> {
    const body = await this.request<{ items: RegistryTokenInfo[] }>('/tokens');
    return body.items;
  }

  async createToken(request: {
    name: string;
    namespaces: string[];
  }): Promise<CreatedRegistryToken> {
    return this.request('/tokens', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
  }

  async revokeToken(id: string): Promise<void> {
    await this.request(`/tokens/${encodeURIComponent(id)}`, {
      method: 'DELETE',
    });
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const base = await this.discoveryApi.getBaseUrl('registry');
    const response = await this.fetchApi.fetch(`${base}${path}`, init);
    if (!response.ok) {
      // the pages show the message: make it the server's reason, not only the status
      const error = await ResponseError.fromResponse(response);
      if (error.cause?.message) error.message = error.cause.message;
      throw error;
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
