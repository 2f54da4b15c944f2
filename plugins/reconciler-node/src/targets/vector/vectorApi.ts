/*
 * Vector's own API, read for health: `GET /health` (200 `{"ok":true}` while Vector runs; 503
 * `{"ok":false}` while it shuts down) and the GraphQL endpoint `POST /graphql`, whose
 * `components` connection lists every component Vector is running (componentId, componentType,
 * and its __typename: Source, Transform or Sink), paged Relay-style. The API has no
 * authentication; it is read only, and one answer serves every pipeline's health for a moment
 * (status() asks for all pipelines at once).
 */

/** The query sent to Vector; the fake in packages/fake-vector-api answers the same shape. */
export const VECTOR_COMPONENTS_QUERY = `query ButlerPortalComponents($first: Int!, $after: String) {
  components(first: $first, after: $after) {
    edges { cursor node { __typename componentId componentType } }
    pageInfo { hasNextPage endCursor }
  }
}`;

/** What Vector reports at one moment. */
export interface VectorApiState {
  healthy: boolean;
  /** running components by id */
  components: Map<string, { kind: string; type: string }>;
}

export interface VectorApiClientOptions {
  /** where Vector's API listens, e.g. `http://vector.observability.svc:8686` */
  url: string;
  /** per request (default 5 s) */
  requestTimeoutMs?: number;
  /** how long one answer is reused (default 2 s) */
  cacheMs?: number;
  /** components per page (default 500) */
  pageSize?: number;
  fetch?: typeof fetch;
}

const MAX_PAGES = 200;

export class VectorApiClient {
  readonly url: string;
  readonly #options: VectorApiClientOptions;
  #cached?: { at: number; state: Promise<VectorApiState> };

  constructor(options: VectorApiClientOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error(`vectorApiUrl: "${options.url}" is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(
        `vectorApiUrl: "${options.url}" must be an http or https URL`,
      );
    }
    if (url.username || url.password) {
      throw new Error('vectorApiUrl: must not carry credentials');
    }
    this.url = url.toString().replace(/\/+$/, '');
    this.#options = options;
  }

  /** Vector's health and component list, shared for `cacheMs`; rejects when Vector cannot be read. */
  state(): Promise<VectorApiState> {
    const now = Date.now();
    const cacheMs = this.#options.cacheMs ?? 2000;
    if (this.#cached && now - this.#cached.at < cacheMs) {
      return this.#cached.state;
    }
    const state = this.#read();
    this.#cached = { at: now, state };
    // a failure is not kept: the next question asks again
    state.catch(() => {
      if (this.#cached?.state === state) this.#cached = undefined;
    });
    return state;
  }

  async #read(): Promise<VectorApiState> {
    const health = await this.#request('/health', { method: 'GET' });
    let healthy = false;
    if (health.status === 200 || health.status === 503) {
      const body = (await health.json().catch(() => undefined)) as
        | { ok?: unknown }
        | undefined;
      healthy = health.status === 200 && body?.ok === true;
    } else {
      throw new Error(
        `Vector API ${this.url}/health answered ${health.status}`,
      );
    }
    const components = new Map<string, { kind: string; type: string }>();
    // a Vector shutting down says so; its component list is not worth waiting for
    if (!healthy) return { healthy, components };
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const response = await this.#request('/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: VECTOR_COMPONENTS_QUERY,
          variables: {
            first: this.#options.pageSize ?? 500,
            after: after ?? null,
          },
        }),
      });
      if (response.status !== 200) {
        throw new Error(
          `Vector API ${this.url}/graphql answered ${response.status}`,
        );
      }
      const body = (await response.json()) as GraphQlComponents;
      if (body.errors?.length) {
        throw new Error(
          `Vector API ${this.url}/graphql: ${body.errors
            .map(e => e.message)
            .join('; ')}`,
        );
      }
      const connection = body.data?.components;
      if (!connection || !Array.isArray(connection.edges)) {
        throw new Error(
          `Vector API ${this.url}/graphql: no components in the answer`,
        );
      }
      for (const edge of connection.edges) {
        const node = edge?.node;
        if (typeof node?.componentId !== 'string') continue;
        components.set(node.componentId, {
          kind: String(node.__typename ?? '').toLowerCase(),
          type: String(node.componentType ?? ''),
        });
      }
      if (!connection.pageInfo?.hasNextPage) return { healthy, components };
      after = connection.pageInfo.endCursor ?? undefined;
      if (!after) break;
    }
    throw new Error(
      `Vector API ${this.url}/graphql: the component list did not end`,
    );
  }

  async #request(path: string, init: RequestInit): Promise<Response> {
    const doFetch = this.#options.fetch ?? fetch;
    try {
      return await doFetch(`${this.url}${path}`, {
        ...init,
        signal: AbortSignal.timeout(this.#options.requestTimeoutMs ?? 5000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new Error(
        `Vector API ${this.url}${path} unreachable: ${
          cause ?? (error as Error).message
        }`,
      );
    }
  }
}

interface GraphQlComponents {
  data?: {
    components?: {
      edges: Array<{
        cursor?: string;
        node?: {
          __typename?: string;
          componentId?: string;
          componentType?: string;
        };
      }>;
      pageInfo?: { hasNextPage?: boolean; endCursor?: string | null };
    };
  };
  errors?: Array<{ message: string }>;
}
