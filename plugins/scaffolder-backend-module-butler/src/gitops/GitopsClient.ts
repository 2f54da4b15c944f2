/*
 * The one client of the gitops backend's REST API (plugins/gitops-backend/README.md) that both
 * actions use. Every call carries a token minted on behalf of the user who runs the template, so
 * the backend checks *their* permissions and authors the commit as them; the scaffolder's own
 * service identity never writes to Git.
 */
import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type {
  ChangeDetail,
  OpenChangeRequest,
  OpenedChange,
  ResourceDetail,
  ValidationIssue,
} from '@butler-portal/plugin-gitops-common';

/**
 * A problem the backend located in a file it refused, as read from its error body: any field
 * but the message may be missing there.
 */
export type BackendIssue = Partial<ValidationIssue> &
  Pick<ValidationIssue, 'message'>;

export interface GitopsClientOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

export class GitopsClient {
  constructor(private readonly options: GitopsClientOptions) {}

  /**
   * Opens a change request as the user behind `credentials`.
   *
   * @param idempotencyKey - sent as `Idempotency-Key`: a retry with the same key answers the
   *   change opened the first time instead of opening a second one
   */
  async openChange(
    submission: OpenChangeRequest,
    options: { credentials: BackstageCredentials; idempotencyKey: string },
  ): Promise<OpenedChange> {
    const response = await this.request('/changes', options.credentials, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'idempotency-key': options.idempotencyKey,
      },
      body: JSON.stringify(submission),
    });
    return (await response.json()) as OpenedChange;
  }

  /** A change request (`GET /changes/:id`); `paths` are the files it touches. */
  async getChange(
    id: string,
    options: { credentials: BackstageCredentials },
  ): Promise<ChangeDetail> {
    const response = await this.request(
      `/changes/${encodeURIComponent(id)}`,
      options.credentials,
      { method: 'GET' },
    );
    return (await response.json()) as ChangeDetail;
  }

  /** The resource's file on the default branch, or `undefined` when there is none. */
  async getResource(
    ref: { kind: string; namespace: string; name: string },
    options: { credentials: BackstageCredentials },
  ): Promise<ResourceDetail | undefined> {
    const path = [ref.kind, ref.namespace, ref.name]
      .map(encodeURIComponent)
      .join('/');
    const response = await this.request(
      `/resources/${path}`,
      options.credentials,
      { method: 'GET' },
      { notFoundIsUndefined: true },
    );
    return response ? ((await response.json()) as ResourceDetail) : undefined;
  }

  /**
   * The commit a branch, tag or SHA of a source repository points at now, from the registry
   * backend (`GET /api/registry/sources/resolve`), as the user: what butler:registry:publish pins.
   */
  async resolveSourceRef(
    request: { source: string; ref: string },
    options: { credentials: BackstageCredentials },
  ): Promise<{ repository: string; commit: string }> {
    const query = new URLSearchParams(request).toString();
    const response = await this.request(
      `/sources/resolve?${query}`,
      options.credentials,
      { method: 'GET' },
      { pluginId: 'registry' },
    );
    return (await response.json()) as { repository: string; commit: string };
  }

  private async request(
    path: string,
    credentials: BackstageCredentials,
    init: RequestInit,
    flags?: { pluginId?: string },
  ): Promise<Response>;
  private async request(
    path: string,
    credentials: BackstageCredentials,
    init: RequestInit,
    flags: { notFoundIsUndefined: true },
  ): Promise<Response | undefined>;
  private async request(
    path: string,
    credentials: BackstageCredentials,
    init: RequestInit,
    flags: { notFoundIsUndefined?: boolean; pluginId?: string } = {},
  ): Promise<Response | undefined> {
    const { discovery, auth } = this.options;
    const pluginId = flags.pluginId ?? 'gitops';
    const baseUrl = await discovery.getBaseUrl(pluginId);
    const { token } = await auth.getPluginRequestToken({
      onBehalfOf: credentials,
      targetPluginId: pluginId,
    });
    const url = `${baseUrl}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        ...init,
        headers: {
          ...(init.headers as Record<string, string>),
          accept: 'application/json',
          authorization: `Bearer ${token}`,
        },
      });
    } catch (error) {
      throw new Error(
        `${pluginId} backend unreachable at ${init.method} ${url}: ${String(
          error,
        )}`,
      );
    }
    if (response.ok) {
      return response;
    }
    if (response.status === 404 && flags.notFoundIsUndefined) {
      return undefined;
    }
    throw await errorOf(response, `${init.method} ${path}`, pluginId);
  }
}

/**
 * The error for a refused request: the backend's message, and every issue it located, one per
 * line as `file:line:column path: message`, so the scaffolder log says what to fix.
 */
async function errorOf(
  response: Response,
  what: string,
  pluginId: string,
): Promise<Error> {
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const message =
    typeof body?.error?.message === 'string'
      ? body.error.message
      : text.trim().slice(0, 500) || response.statusText;
  // the gitops backend puts issues beside `error` and inside it; either will do
  const issues: BackendIssue[] =
    [body?.issues, body?.error?.issues].find(Array.isArray) ?? [];
  const lines = issues.map(i => `  - ${formatIssue(i)}`);
  const full = [
    `${pluginId} backend refused ${what} (${response.status}): ${message}`,
    ...lines,
  ].join('\n');
  switch (response.status) {
    case 400:
      return new InputError(full);
    case 401:
      return new AuthenticationError(full);
    case 403:
      return new NotAllowedError(full);
    case 404:
      return new NotFoundError(full);
    case 409:
      return new ConflictError(full);
    default:
      return new Error(full);
  }
}

export function formatIssue(issue: BackendIssue): string {
  const where = [
    issue.file,
    issue.line !== undefined ? String(issue.line) : undefined,
    issue.column !== undefined ? String(issue.column) : undefined,
  ]
    .filter(Boolean)
    .join(':');
  const at = issue.path ? `${issue.path}: ` : '';
  return `${where ? `${where} ` : ''}${at}${issue.message}`;
}
