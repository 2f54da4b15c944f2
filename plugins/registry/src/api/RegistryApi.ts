import { createApiRef } from '@backstage/frontend-plugin-api';
import type {
  ArtifactDetailResponse,
  ArtifactListResponse,
  CreatedRegistryToken,
  RegistryTokenInfo,
  SourceRefResolution,
} from '@butler-portal/plugin-registry-common';

/** The registry backend's REST API (plugins/registry-backend/README.md, "REST API"). */
export interface RegistryApi {
  listArtifacts(): Promise<ArtifactListResponse>;
  getArtifact(ref: {
    namespace: string;
    name: string;
    version?: string;
  }): Promise<ArtifactDetailResponse>;
  /** The newest merged, not yanked version in `range`; rejects with 404 when none is. */
  resolveRange(ref: {
    namespace: string;
    name: string;
    range: string;
  }): Promise<{ range: string; version: string }>;
  /**
   * The commit a branch, tag or SHA of a source repository (a portal repository id or its git
   * URL) points at now; rejects with 404 for an outside repository or a missing ref.
   */
  resolveSourceRef(request: {
    source: string;
    ref: string;
  }): Promise<SourceRefResolution>;
  listTokens(): Promise<RegistryTokenInfo[]>;
  createToken(request: {
    name: string;
    namespaces: string[];
  }): Promise<CreatedRegistryToken>;
  revokeToken(id: string): Promise<void>;
}

export const registryApiRef = createApiRef<RegistryApi>().with({
  id: 'plugin.registry.service',
  pluginId: 'registry',
});
