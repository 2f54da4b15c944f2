/*
 * /git/<repository>.git/...: Git smart HTTP for local repositories, so that `git clone`,
 * `git fetch` and `git push` work against the portal. The Backstage router lets these requests
 * through unauthenticated because git clients send HTTP Basic, not Bearer: the credentials are
 * checked here (any user name, the Backstage token as password, or a Bearer token), and a missing
 * or bad one gets 401 with `WWW-Authenticate` so that git asks for it.
 */
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { isError } from '@backstage/errors';
import {
  gitopsChangeCreatePermission,
  gitopsResourceReadPermission,
} from '@butler-portal/plugin-gitops-common';
import type { Authorize } from '@butler-portal/plugin-gitops-node';
import type { RequestHandler, Response } from 'express';
import type { LocalGitProvider } from './LocalGitProvider';
import { classifyGitRequest, createSmartHttpHandler } from './smartHttp';

export const GIT_REALM = 'Butler Portal';

/** The token of `Authorization: Bearer <token>` or the password (else user) of Basic. */
export function tokenFromAuthorization(
  header: string | undefined,
): string | undefined {
  const match = /^(\w+)\s+(\S+)\s*$/.exec(header ?? '');
  if (!match) return undefined;
  const [, scheme, value] = match;
  if (/^bearer$/i.test(scheme)) return value;
  if (!/^basic$/i.test(scheme)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return password || user || undefined;
}

function refuse(res: Response, status: 401 | 403, message: string) {
  if (status === 401) {
    res.setHeader(
      'WWW-Authenticate',
      `Basic realm="${GIT_REALM}", charset="UTF-8"`,
    );
  }
  res.status(status).type('text/plain').send(`${message}\n`);
}

export interface GitRoutesOptions {
  auth: AuthService;
  authorize: Authorize;
  logger: LoggerService;
  /** the local repository of an id (its provider and bare repository folder), if any */
  local(id: string): { provider: LocalGitProvider; dir: string } | undefined;
  /** whether a change's author may force-push its branch (gitops.git.allowForcePushToChanges) */
  allowForcePushToChanges?: boolean;
  /** largest pack a push may send (gitops.git.maxPushBytes) */
  maxPushBytes?: number;
}

export function createGitRoutes(options: GitRoutesOptions): RequestHandler {
  const { auth, authorize, logger, maxPushBytes, local } = options;
  const handler = createSmartHttpHandler({
    maxPushBytes,
    resolveRepoDir: name => local(name)?.dir,
    onPush: async (name, refs, pusher) => {
      await local(name)?.provider.handlePush(refs, pusher);
    },
    pushRules: async name => ({
      changeBranches: (await local(name)?.provider.openChangeBranches()) ?? [],
      allowForcePush: options.allowForcePushToChanges ?? false,
    }),
    logger: logger.child({ type: 'git-smart-http' }),
  });

  return async (req, res) => {
    const token = tokenFromAuthorization(req.header('authorization'));
    if (!token) {
      refuse(
        res,
        401,
        'Sign in: any user name, and a Backstage token as the password.',
      );
      return;
    }
    let credentials: BackstageCredentials;
    try {
      credentials = await auth.authenticate(token);
    } catch (error) {
      refuse(
        res,
        401,
        `The token was refused: ${isError(error) ? error.message : error}`,
      );
      return;
    }
    if (!auth.isPrincipal(credentials, 'user')) {
      refuse(res, 403, 'Git access is for signed-in users.');
      return;
    }
    // push or fetch is decided exactly as the handler will serve the request: from the decoded
    // path and a single service value, never from the raw path
    const request = classifyGitRequest(req.url);
    if ('error' in request) {
      res.status(request.status).type('text/plain').send(`${request.error}\n`);
      return;
    }
    const permission =
      request.service === 'git-receive-pack'
        ? gitopsChangeCreatePermission
        : gitopsResourceReadPermission;
    try {
      // a push makes a branch: its files are judged when a change is opened from it and merged
      await authorize(permission, credentials, { anyResource: true });
    } catch (error) {
      if (!isError(error) || error.name !== 'NotAllowedError') throw error;
      refuse(res, 403, error.message);
      return;
    }
    await handler(req, res, {
      remoteUser: credentials.principal.userEntityRef,
    });
  };
}
