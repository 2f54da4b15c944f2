/*
 * GitopsApi over HTTP: builds the URLs of the gitops backend's REST contract, sends the user's
 * token through fetchApi, and turns error bodies into readable errors. Writes to a GitHub or GitLab
 * repository also carry the user's own SCM token (ScmAuth) so the change is made as them; without
 * one the backend uses the integration's token and names the user in the change description.
 */
import type { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import type { ScmAuthApi } from '@backstage/integration-react';
import type { GitopsApi } from '@butler-portal/plugin-gitops-react';
import { gitopsRequestError } from './requestError';
import type {
  ChangeDetail,
  ChangeListFilter,
  ChangePage,
  ChangePageRequest,
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
} from '@butler-portal/plugin-gitops-common';

/** Path segments are always encoded: a change id holds a `:`, and names come from users. */
const segment = (value: string) => encodeURIComponent(value);

/** the backend reads the user's GitHub/GitLab token from this header on writes */
export const SCM_TOKEN_HEADER = 'X-Butler-Scm-Token';

/** `<repository>:<number>` → `<repository>` */
const repositoryOfChange = (id: string) => id.slice(0, id.lastIndexOf(':'));

function query(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function onlyOne<T>(items: T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

export class GitopsClient implements GitopsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;
  private readonly scmAuthApi?: ScmAuthApi;

  constructor(options: {
    discoveryApi: DiscoveryApi;
    fetchApi: FetchApi;
    scmAuthApi?: ScmAuthApi;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.scmAuthApi = options.scmAuthApi;
  }

  async listRepositories(): Promise<Repository[]> {
    const body = await this.request<{ items: Repository[] }>('/repositories');
    return body.items;
  }

  async listResources(
    filter: { kind?: string; namespace?: string; owner?: string } = {},
  ): Promise<ResourceEntry[]> {
    // the API pages (GET /resources?cursor=…); the callers of this method want every entry
    const items: ResourceEntry[] = [];
    let cursor: string | undefined;
    do {
      const body: { items: ResourceEntry[]; nextCursor?: string } = await this.request(
        `/resources${query({ ...filter, ...(cursor && { cursor }) })}`,
      );
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return items;
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
      headers: {
        ...(options.idempotencyKey && {
          'Idempotency-Key': options.idempotencyKey,
        }),
        ...(await this.scmTokenHeaders(
          repositories =>
            repositories.find(r => r.id === request.repository) ??
            // no repository named: the backend takes the one holding the kind
            (request.repository === undefined
              ? onlyOne(
                  repositories.filter(r => r.kinds.includes(request.kind)),
                )
              : undefined),
        )),
      },
    });
  }

  async openChangeFromBranch(
    request: OpenChangeFromBranchRequest,
  ): Promise<OpenedChange> {
    return this.request('/changes/from-branch', {
      method: 'POST',
      body: request,
      headers: await this.scmTokenHeaders(repositories =>
        repositories.find(r => r.id === request.repository),
      ),
    });
  }

  async listChanges(filter: ChangeListFilter = {}): Promise<ChangeSummary[]> {
    // the API pages (GET /changes?cursor=…); the callers of this method want every change
    const items: ChangeSummary[] = [];
    let cursor: string | undefined;
    do {
      const body: { items: ChangeSummary[]; nextCursor?: string } = await this.request(
        `/changes${query({ ...filter, ...(cursor && { cursor }) })}`,
      );
      items.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor);
    return items;
  }

  async listChangePage(request: ChangePageRequest): Promise<ChangePage> {
    const { limit, ...filter } = request;
    return this.request(
      `/changes${query({ ...filter, ...(limit !== undefined && { limit: String(limit) }) })}`,
    );
  }

  async getChange(id: string): Promise<ChangeDetail> {
    return this.request(`/changes/${segment(id)}`);
  }

  async review(id: string, request: ReviewRequest): Promise<Review> {
    return this.request(`/changes/${segment(id)}/reviews`, {
      method: 'POST',
      body: request,
      headers: await this.changeScmTokenHeaders(id),
    });
  }

  async merge(id: string): Promise<ChangeSummary> {
    return this.request(`/changes/${segment(id)}/merge`, {
      method: 'POST',
      headers: await this.changeScmTokenHeaders(id),
    });
  }

  async close(id: string): Promise<ChangeSummary> {
    return this.request(`/changes/${segment(id)}/close`, {
      method: 'POST',
      headers: await this.changeScmTokenHeaders(id),
    });
  }

  async getSyncStatus(
    filter: { repository?: string; kind?: string; namespace?: string } = {},
  ): Promise<SyncTargetStatus[] | undefined> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    // the API pages each target's resources; the callers of this method want them all
    const targets = new Map<string, SyncTargetStatus>();
    let cursor: string | undefined;
    do {
      const response = await this.fetchApi.fetch(
        `${baseUrl}/sync${query({ ...filter, limit: '5000', ...(cursor && { cursor }) })}`,
        { method: 'GET' },
      );
      // a backend without a reconciler has no /sync route: nothing to report, not a failure
      if (response.status === 404) return undefined;
      if (!response.ok) throw await gitopsRequestError(response);
      const body = (await response.json()) as { items: SyncTargetStatus[]; nextCursor?: string };
      for (const item of body.items) {
        const key = `${item.repository}\u0000${item.target}`;
        const known = targets.get(key);
        if (known) known.resources.push(...item.resources);
        else targets.set(key, item);
      }
      cursor = body.nextCursor;
    } while (cursor);
    return [...targets.values()];
  }

  async getSchemaUrl(kind: string): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl('gitops');
    return `${baseUrl}/schemas/${segment(kind.toLowerCase())}.json`;
  }

  private changeScmTokenHeaders(id: string) {
    const repository = repositoryOfChange(id);
    return this.scmTokenHeaders(repositories =>
      repositories.find(r => r.id === repository),
    );
  }

  /**
   * The user's SCM token header for a write to the repository `pick` chooses; nothing for a
   * local repository, without ScmAuth, or when ScmAuth fails (the backend then falls back to
   * the integration's token).
   */
  private async scmTokenHeaders(
    pick: (repositories: Repository[]) => Repository | undefined,
  ): Promise<Record<string, string>> {
    if (!this.scmAuthApi) return {};
    try {
      const repository = pick(await this.listRepositories());
      if (
        !repository?.webUrl ||
        (repository.provider !== 'github' && repository.provider !== 'gitlab')
      ) {
        return {};
      }
      const { token } = await this.scmAuthApi.getCredentials({
        url: repository.webUrl,
        additionalScope: { repoWrite: true },
      });
      return token ? { [SCM_TOKEN_HEADER]: token } : {};
    } catch {
      return {};
    }
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
