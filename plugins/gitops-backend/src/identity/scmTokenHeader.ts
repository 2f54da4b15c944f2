/*
 * The signed-in user's own GitHub/GitLab token, sent by the frontend (ScmAuth) on write requests
 * so the change is made as the user. Without it the provider falls back to the integration's
 * token and names the requester in the change description. The token only rides on the actor of
 * this one request: it is never logged, never stored (the idempotency table keeps the user ref
 * only), and the local provider ignores it.
 */
import { InputError } from '@backstage/errors';
import type { ChangeAuthor } from '@butler-portal/plugin-gitops-node';
import type { Request } from 'express';

export const SCM_TOKEN_HEADER = 'X-Butler-Scm-Token';

/** generous for GitHub/GitLab tokens, small enough to refuse a payload in disguise */
const MAX_SCM_TOKEN_LENGTH = 4096;

/**
 * The author with the request's SCM token on its actor, or the author unchanged when the
 * header is absent or empty.
 * @throws InputError (400) for a token that is too long or holds non-printable characters; the
 *   message never repeats the token
 */
export function withScmToken(
  author: ChangeAuthor,
  req: Pick<Request, 'header'>,
): ChangeAuthor {
  const token = req.header(SCM_TOKEN_HEADER)?.trim();
  if (!token) return author;
  if (token.length > MAX_SCM_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    throw new InputError(
      `${SCM_TOKEN_HEADER}: 1 to ${MAX_SCM_TOKEN_LENGTH} printable ASCII characters without spaces`,
    );
  }
  return { ...author, actor: { ...author.actor, scmToken: token } };
}
