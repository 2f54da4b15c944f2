/*
 * The terminal's routes, mounted at /api/terminal:
 *   POST /tickets {namespace, name}  (signed-in user)  → 201 {ticket, expiresAt, protocol}
 *   GET  /connect  WebSocket upgrade, Sec-WebSocket-Protocol: butler.terminal.v1, ticket.<ticket>
 * The upgrade carries no Backstage token (a browser cannot set the header, and a token in the URL
 * leaks into logs): it is allowed unauthenticated by the router's auth policy and authenticated by
 * the ticket instead. In this order: a foreign Origin → 403; no, a used or an expired ticket →
 * 401; the permission asked again with the ticket holder's identity (a 403 when it was withdrawn
 * since) and the write permission decides read-only; the target resolved; only then the exec.
 */
import type {
  AuditorService,
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  butlerWorkspaceTerminalPermission,
  butlerWorkspaceTerminalWritePermission,
  matchesButlerWorkspace,
  type ButlerWorkspaceResource,
} from '@butler-portal/plugin-butler-common';
import express from 'express';
import Router from 'express-promise-router';
import { WebSocketServer } from 'ws';
import {
  startTerminalSession,
  type SessionLimits,
} from '../session/TerminalSession';
import type { TicketStore } from '../tickets/TicketStore';
import type { WorkspaceTargets } from '../target/TerminalTargets';

/** The subprotocol of the browser protocol (TerminalSession); the ticket travels beside it. */
export const TERMINAL_PROTOCOL = 'butler.terminal.v1';
export const TICKET_PROTOCOL_PREFIX = 'ticket.';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export interface TerminalRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  tickets: TicketStore;
  /** undefined when no management cluster is configured (503 with the reason) */
  targets?: WorkspaceTargets;
  notConfiguredReason: string;
  /** the app's origin (app.baseUrl): the only Origin an upgrade may come from */
  appOrigin: string;
  limits: SessionLimits;
  command: string[];
  container: string;
}

export async function createRouter(
  options: TerminalRouterOptions,
): Promise<express.Router> {
  const { httpAuth, auth, permissions, auditor, logger, tickets, targets } =
    options;
  const router = Router();
  const wss = new WebSocketServer({
    noServer: true,
    // answer with the terminal protocol only: the ticket is never echoed back
    handleProtocols: offered =>
      offered.has(TERMINAL_PROTOCOL) ? TERMINAL_PROTOCOL : false,
    maxPayload: 64 * 1024,
  });
  const requireTargets = () => {
    if (!targets)
      throw new ServiceUnavailableError(options.notConfiguredReason);
    return targets;
  };

  const allowed = async (
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    resource: ButlerWorkspaceResource,
  ) => {
    const [decision] = await permissions.authorizeConditional(
      [{ permission }],
      {
        credentials,
      },
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW;
    }
    return matchesButlerWorkspace(decision.conditions, resource);
  };

  const who = (credentials: BackstageCredentials) =>
    auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : 'the caller';

  router.post('/tickets', express.json({ limit: '4kb' }), async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const { namespace, name } = (req.body ?? {}) as Record<string, unknown>;
    for (const [field, value] of [
      ['namespace', namespace],
      ['name', name],
    ] as const) {
      if (typeof value !== 'string' || !DNS1123_LABEL.test(value)) {
        throw new InputError(
          `body.${field}: must be a DNS-1123 label (lower-case letters, digits and '-', at most 63)`,
        );
      }
    }
    const found = await requireTargets().resource(
      namespace as string,
      name as string,
    );
    const ref = `${namespace}/${name}`;
    if (!found) throw new NotFoundError(`workspace ${ref} not found`);
    if (
      !(await allowed(
        butlerWorkspaceTerminalPermission,
        credentials,
        found.resource,
      ))
    ) {
      throw new NotAllowedError(
        `${who(
          credentials,
        )} is not allowed butler.workspace.terminal on workspace ${ref}`,
      );
    }
    const issued = tickets.issue({
      userEntityRef: who(credentials),
      namespace: namespace as string,
      name: name as string,
      credentials,
    });
    res.status(201).json({ ...issued, protocol: TERMINAL_PROTOCOL });
  });

  router.get('/connect', async (req, res) => {
    if (String(req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      res.status(426).json({
        error: { name: 'UpgradeRequired', message: 'connect with a WebSocket' },
      });
      return;
    }
    const refuse = (status: number, name: string, message: string) => {
      logger.info(`terminal upgrade refused (${status}): ${message}`);
      res.status(status).json({ error: { name, message } });
    };
    if (req.headers.origin !== options.appOrigin) {
      refuse(
        403,
        'NotAllowedError',
        `Origin ${JSON.stringify(req.headers.origin ?? null)} is not the app's`,
      );
      return;
    }
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map(p => p.trim());
    const ticket = offered
      .find(p => p.startsWith(TICKET_PROTOCOL_PREFIX))
      ?.slice(TICKET_PROTOCOL_PREFIX.length);
    const grant = ticket ? tickets.redeem(ticket) : undefined;
    if (!grant) {
      refuse(
        401,
        'AuthenticationError',
        ticket ? 'the ticket is unknown, used or expired' : 'no ticket',
      );
      return;
    }
    if (!offered.includes(TERMINAL_PROTOCOL)) {
      refuse(
        400,
        'InputError',
        `the subprotocol ${TERMINAL_PROTOCOL} is required`,
      );
      return;
    }
    const ref = `${grant.namespace}/${grant.name}`;
    const { credentials } = grant;
    // decided again now: a role withdrawn since the ticket was issued counts
    const found = await requireTargets().resource(grant.namespace, grant.name);
    if (!found) {
      refuse(404, 'NotFoundError', `workspace ${ref} not found`);
      return;
    }
    if (
      !(await allowed(
        butlerWorkspaceTerminalPermission,
        credentials,
        found.resource,
      ))
    ) {
      refuse(
        403,
        'NotAllowedError',
        `${grant.userEntityRef} is not allowed butler.workspace.terminal on workspace ${ref}`,
      );
      return;
    }
    const readOnly = !(await allowed(
      butlerWorkspaceTerminalWritePermission,
      credentials,
      found.resource,
    ));
    const target = await requireTargets().target(found.resource, found.object);

    const audit = await auditor.createEvent({
      eventId: 'terminal-session',
      severityLevel: 'medium',
      meta: {
        actor: grant.userEntityRef,
        workspace: ref,
        pod: `${target.podNamespace}/${target.podName}`,
        mode: readOnly ? 'read-only' : 'read-write',
        startedAt: new Date().toISOString(),
      },
    });
    wss.handleUpgrade(req, req.socket, Buffer.alloc(0), browser => {
      startTerminalSession({
        browser,
        target,
        readOnly,
        command: options.command,
        container: options.container,
        limits: options.limits,
        onEnd: summary => {
          const meta = { ...summary, endedAt: new Date().toISOString() };
          const done =
            summary.reason === 'exec-failed'
              ? audit.fail({
                  meta,
                  error: new Error(summary.error ?? 'exec failed'),
                })
              : audit.success({ meta });
          done.catch(e => logger.warn(`terminal audit event failed: ${e}`));
        },
      });
    });
  });

  return router;
}
