/*
 * Verifies and reads a GitLab webhook delivery. GitLab does not sign payloads; it sends the
 * secret token configured on the hook in `X-Gitlab-Token`, so the token is compared in constant
 * time before the body is even parsed.
 */
import { headerValue } from '@butler-portal/plugin-gitops-node';
import { createHash, timingSafeEqual } from 'crypto';
import { AuthenticationError, InputError } from '@backstage/errors';
import type { GitEvent } from '@butler-portal/plugin-gitops-node';

/** A delivery whose `X-Gitlab-Token` is missing or wrong. The backend answers 401. */
export class GitlabWebhookTokenError extends AuthenticationError {
  constructor(readonly reason: 'missing' | 'invalid') {
    super(
      reason === 'missing'
        ? 'GitLab webhook rejected: the X-Gitlab-Token header is missing'
        : 'GitLab webhook rejected: the X-Gitlab-Token header does not match the configured secret',
    );
  }
}

/** The project a delivery is about, for mapping it to a configured repository. */
export interface GitlabWebhookProject {
  id: number;
  pathWithNamespace: string;
}

export interface ParseGitlabWebhookInput {
  /** request headers as Node gives them (any case is accepted) */
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer | string;
  /** the hook's secret token from config; an empty one is a misconfiguration, never "open" */
  secretToken: string;
  /**
   * The configured repository id the event is for: a fixed id (one hook URL per repository) or
   * a lookup by project (`undefined` = not a repository of the portal: the event is ignored).
   * Defaults to the project's `path_with_namespace`.
   */
  repository?: string | ((project: GitlabWebhookProject) => string | undefined);
}

/** Deliveries larger than this are refused before parsing. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;
const ZERO_SHA = /^0+$/;

function tokensMatch(given: string, expected: string): boolean {
  // Hash both sides so the comparison takes the same time whatever the lengths.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

const MERGE_REQUEST_ACTIONS: Record<
  string,
  'opened' | 'updated' | 'reviewed' | 'merged' | 'closed'
> = {
  open: 'opened',
  reopen: 'opened',
  update: 'updated',
  approved: 'reviewed',
  unapproved: 'reviewed',
  approval: 'reviewed',
  unapproval: 'reviewed',
  merge: 'merged',
  close: 'closed',
};

/**
 * @returns the event, or undefined for a verified delivery the portal does not act on
 *   (tag pushes, branch deletions, issues, other projects, ...)
 * @throws GitlabWebhookTokenError for a missing or forged token, InputError for a bad body
 */
export function parseGitlabWebhook(
  input: ParseGitlabWebhookInput,
): GitEvent | undefined {
  if (!input.secretToken) {
    throw new Error(
      'GitLab webhook secret token is not configured; refusing every delivery',
    );
  }
  const token = headerValue(input.headers, 'x-gitlab-token');
  if (!token) throw new GitlabWebhookTokenError('missing');
  if (!tokensMatch(token, input.secretToken))
    throw new GitlabWebhookTokenError('invalid');

  const size = Buffer.byteLength(input.rawBody);
  if (size > MAX_BODY_BYTES) {
    throw new InputError(
      `GitLab webhook body of ${size} bytes exceeds ${MAX_BODY_BYTES}`,
    );
  }
  let body: any;
  try {
    body = JSON.parse(input.rawBody.toString());
  } catch (error) {
    throw new InputError(
      `GitLab webhook body is not JSON: ${(error as Error).message}`,
    );
  }
  if (!body || typeof body !== 'object') {
    throw new InputError('GitLab webhook body is not a JSON object');
  }

  const kind: string | undefined =
    body.object_kind ??
    {
      'Push Hook': 'push',
      'Merge Request Hook': 'merge_request',
      'Note Hook': 'note',
    }[headerValue(input.headers, 'x-gitlab-event') ?? ''];

  const project = body.project;
  const repository = resolveRepository(input.repository, project);
  if (!repository) return undefined;

  if (kind === 'push') {
    const ref: unknown = body.ref;
    if (typeof ref !== 'string' || !ref.startsWith('refs/heads/'))
      return undefined;
    if (typeof body.after !== 'string' || ZERO_SHA.test(body.after))
      return undefined;
    return {
      type: 'push',
      repository,
      branch: ref.slice('refs/heads/'.length),
      before:
        typeof body.before === 'string' && !ZERO_SHA.test(body.before)
          ? body.before
          : undefined,
      after: body.after,
    };
  }

  if (kind === 'merge_request') {
    const attributes = body.object_attributes ?? {};
    const action = MERGE_REQUEST_ACTIONS[attributes.action];
    if (!action || !Number.isInteger(attributes.iid)) return undefined;
    return {
      type: 'change',
      repository,
      changeId: String(attributes.iid),
      action,
    };
  }

  if (
    kind === 'note' &&
    body.object_attributes?.noteable_type === 'MergeRequest'
  ) {
    // A note can be a "changes requested" review; the change request is re-read either way.
    const iid = body.merge_request?.iid;
    if (!Number.isInteger(iid)) return undefined;
    return {
      type: 'change',
      repository,
      changeId: String(iid),
      action: 'reviewed',
    };
  }

  return undefined;
}

function resolveRepository(
  repository: ParseGitlabWebhookInput['repository'],
  project: any,
): string | undefined {
  if (typeof repository === 'string') return repository;
  const pathWithNamespace =
    typeof project?.path_with_namespace === 'string'
      ? project.path_with_namespace
      : undefined;
  if (!pathWithNamespace || typeof project?.id !== 'number') {
    throw new InputError(
      'GitLab webhook body has no project (id and path_with_namespace)',
    );
  }
  if (!repository) return pathWithNamespace;
  return repository({ id: project.id, pathWithNamespace });
}
