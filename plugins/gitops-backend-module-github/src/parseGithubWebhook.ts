/*
 * Verifies and reads a GitHub webhook delivery for the change-request side of the portal: pushes
 * (the reconciler syncs the default branch) and pull-request / review activity (the Changes page
 * refreshes). The signature is checked on the raw bytes before anything is parsed, so a forged or
 * unsigned delivery never reaches the rest of the portal.
 */
import { headerValue } from '@butler-portal/plugin-gitops-node';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, InputError } from '@backstage/errors';
import type { GitEvent } from '@butler-portal/plugin-gitops-node';

/** A delivery whose `x-hub-signature-256` is missing, malformed or does not match the secret. */
export class GithubWebhookSignatureError extends AuthenticationError {}

export interface GithubWebhookInput {
  /** request headers; names are matched case-insensitively */
  headers: Record<string, string | string[] | undefined>;
  /** the body exactly as received (signatures are over these bytes) */
  rawBody: Buffer | string;
  /** the webhook secret configured at GitHub */
  secret: string;
  /**
   * Maps `owner/repo` of the payload to the portal's repository id; an unknown repository yields
   * no event. Defaults to the full name itself.
   */
  resolveRepository?: (fullName: string) => string | undefined;
}

const ZERO_SHA = /^0{40}$/;

/** Throws GithubWebhookSignatureError unless the body is signed with the secret (HMAC SHA-256). */
export function verifyGithubSignature(
  rawBody: Buffer,
  signatureHeader: string | undefined,
  secret: string,
): void {
  if (!secret) {
    throw new Error(
      'GitHub webhook secret is not configured; refusing to accept deliveries',
    );
  }
  if (!signatureHeader) {
    throw new GithubWebhookSignatureError(
      'GitHub webhook rejected: the x-hub-signature-256 header is missing',
    );
  }
  const match = /^sha256=([0-9a-f]{64})$/i.exec(signatureHeader.trim());
  if (!match) {
    throw new GithubWebhookSignatureError(
      'GitHub webhook rejected: x-hub-signature-256 is not of the form sha256=<64 hex digits>',
    );
  }
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(match[1], 'hex');
  if (!timingSafeEqual(expected, given)) {
    throw new GithubWebhookSignatureError(
      'GitHub webhook rejected: x-hub-signature-256 does not match the body and the configured secret',
    );
  }
}

function parsePayload(rawBody: Buffer, contentType: string | undefined): any {
  let text = rawBody.toString('utf8');
  // GitHub can deliver `application/x-www-form-urlencoded` with the JSON in `payload`
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    text = new URLSearchParams(text).get('payload') ?? '';
  }
  try {
    const payload = JSON.parse(text);
    if (typeof payload !== 'object' || payload === null) {
      throw new Error('not an object');
    }
    return payload;
  } catch (error) {
    throw new InputError(
      `GitHub webhook body is not a JSON object: ${(error as Error).message}`,
    );
  }
}

const PULL_REQUEST_ACTIONS: Record<
  string,
  'opened' | 'updated' | 'closed' | undefined
> = {
  opened: 'opened',
  reopened: 'opened',
  synchronize: 'updated',
  edited: 'updated',
  ready_for_review: 'updated',
  converted_to_draft: 'updated',
  closed: 'closed',
};

/**
 * Verifies a delivery and turns it into a GitEvent; undefined for deliveries the portal does not
 * act on (ping, tags, branch deletions, labels, other repositories, ...).
 */
export function parseGithubWebhook(
  input: GithubWebhookInput,
): GitEvent | undefined {
  const rawBody = Buffer.isBuffer(input.rawBody)
    ? input.rawBody
    : Buffer.from(input.rawBody, 'utf8');
  verifyGithubSignature(
    rawBody,
    headerValue(input.headers, 'x-hub-signature-256'),
    input.secret,
  );
  const eventName = headerValue(input.headers, 'x-github-event');
  if (!eventName) {
    throw new InputError(
      'GitHub webhook rejected: the x-github-event header is missing',
    );
  }
  const payload = parsePayload(
    rawBody,
    headerValue(input.headers, 'content-type'),
  );
  const fullName = payload.repository?.full_name;
  if (typeof fullName !== 'string') {
    return undefined;
  }
  const repository = (input.resolveRepository ?? (name => name))(fullName);
  if (!repository) {
    return undefined;
  }

  switch (eventName) {
    case 'push': {
      const ref = String(payload.ref ?? '');
      if (
        !ref.startsWith('refs/heads/') ||
        payload.deleted ||
        ZERO_SHA.test(payload.after ?? '')
      ) {
        return undefined;
      }
      if (typeof payload.after !== 'string') {
        throw new InputError('GitHub push webhook: field "after" is missing');
      }
      return {
        type: 'push',
        repository,
        branch: ref.slice('refs/heads/'.length),
        before:
          typeof payload.before === 'string' && !ZERO_SHA.test(payload.before)
            ? payload.before
            : undefined,
        after: payload.after,
      };
    }
    case 'pull_request': {
      const mapped = PULL_REQUEST_ACTIONS[payload.action];
      const number = payload.pull_request?.number ?? payload.number;
      if (!mapped || typeof number !== 'number') {
        return undefined;
      }
      return {
        type: 'change',
        repository,
        changeId: String(number),
        action:
          mapped === 'closed' && payload.pull_request?.merged
            ? 'merged'
            : mapped,
      };
    }
    case 'pull_request_review': {
      const number = payload.pull_request?.number;
      if (
        !['submitted', 'edited', 'dismissed'].includes(payload.action) ||
        typeof number !== 'number'
      ) {
        return undefined;
      }
      return {
        type: 'change',
        repository,
        changeId: String(number),
        action: 'reviewed',
      };
    }
    default:
      return undefined;
  }
}
