/*
 * The terminal's routes, mounted at /api/terminal:
 *   POST /tickets (signed-in user) → 201 {ticket, expiresAt, protocol}, the body naming a target:
 *     {namespace, name}                          a workspace's pod (kind "workspace", the default)
 *     {kind: "cluster", namespace, name, pod: {namespace, name, container?}}
 *                                                a pod of the tenant cluster <namespace>/<name>
 *   GET  /connect  WebSocket upgrade, Sec-WebSocket-Protocol: butler.terminal.v1, ticket.<ticket>
 *   GET  /clusters/:namespace/:name/pods?limit=N (signed-in user) → {cluster, writable, pods,
 *     truncated, limit}: the pods of a tenant cluster to pick one for a terminal, for those allowed
 *     butler.cluster.terminal on it; `writable` is butler.cluster.terminal.write (else read-only)
 * The upgrade carries no Backstage token (a browser cannot set the header, and a token in the URL
 * leaks into logs): it is allowed unauthenticated by the router's auth policy and authenticated by
 * the ticket instead. In this order: a foreign Origin → 403; no, a used or an expired ticket →
 * 401; the holder's token (sealed in the ticket) authenticated again → 401 when it no longer is;
 * the permission asked again as the holder (a 403 when it was withdrawn since) and the write
 * permission decides read-only; the target resolved; only then the exec.
 * Every route decides as butler-backend does (butler-node's decideScope): a cluster or workspace
 * the caller may not read (butler.cluster.read / butler.workspace.read, the policy's condition)
 * is "not found", in the words of an unknown one — a 403 would confirm that another team's
 * cluster exists. A 403 is for a DENY of the read (a disabled user: nothing of any object), or
 * for one who may read the target but not open its terminal.
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
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  butlerClusterReadPermission,
  butlerClusterTerminalPermission,
  butlerClusterTerminalWritePermission,
  butlerWorkspaceReadPermission,
  butlerWorkspaceTerminalPermission,
  butlerWorkspaceTerminalWritePermission,
  matchesButlerCluster,
  matchesButlerWorkspace,
} from '@butler-portal/plugin-butler-common';
import {
  decideScope,
  deniedMessage,
  type Matcher,
} from '@butler-portal/plugin-butler-node';
import express from 'express';
import Router from 'express-promise-router';
import { WebSocketServer } from 'ws';
import {
  startTerminalSession,
  type SessionLimits,
} from '../session/TerminalSession';
import type { TerminalTargetRef, TicketStore } from '../tickets/TicketStore';
import type { ExecTarget, TerminalTargets } from '../target/TerminalTargets';

/** The subprotocol of the browser protocol (TerminalSession); the ticket travels beside it. */
export const TERMINAL_PROTOCOL = 'butler.terminal.v1';
export const TICKET_PROTOCOL_PREFIX = 'ticket.';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export interface TerminalRouterOptions {
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  tickets: TicketStore;
  /** undefined when no management cluster is configured (503 with the reason) */
  targets?: TerminalTargets;
  notConfiguredReason: string;
  /** the app's origin (app.baseUrl): the only Origin an upgrade may come from */
  appOrigin: string;
  limits: SessionLimits;
  command: string[];
  /** the workspace pod's container */
  container: string;
}

/** A target the caller may open: read-only or not, and how to reach its process. */
interface Access {
  readOnly: boolean;
  resolve(): Promise<ExecTarget>;
  audit: Record<string, string>;
}
type Refusal = { refused: 403 | 404; message: string };

/** Checks one field of a request; the message names it (`body.pod.name`, `params.name`). */
function field(
  path: string,
  value: unknown,
  pattern: RegExp,
  what: string,
): string {
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw new InputError(`${path}: must be ${what}`);
  }
  return value;
}
const LABEL =
  "a DNS-1123 label (lower-case letters, digits and '-', at most 63)";
const SUBDOMAIN =
  "a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)";

function parseTarget(body: unknown): TerminalTargetRef {
  const b = (body ?? {}) as Record<string, unknown>;
  const kind = b.kind ?? 'workspace';
  if (kind !== 'workspace' && kind !== 'cluster') {
    throw new InputError('body.kind: must be "workspace" or "cluster"');
  }
  const namespace = field('body.namespace', b.namespace, DNS1123_LABEL, LABEL);
  const name = field('body.name', b.name, DNS1123_LABEL, LABEL);
  if (kind === 'workspace') return { kind, namespace, name };
  const pod = (b.pod ?? {}) as Record<string, unknown>;
  if (typeof b.pod !== 'object' || b.pod === null) {
    throw new InputError(
      'body.pod: must name the pod of the tenant cluster ({namespace, name, container?})',
    );
  }
  return {
    kind,
    namespace,
    name,
    pod: {
      namespace: field(
        'body.pod.namespace',
        pod.namespace,
        DNS1123_LABEL,
        LABEL,
      ),
      name: field('body.pod.name', pod.name, DNS1123_SUBDOMAIN, SUBDOMAIN),
      ...(pod.container !== undefined && {
        container: field(
          'body.pod.container',
          pod.container,
          DNS1123_LABEL,
          LABEL,
        ),
      }),
    },
  };
}

/** The pod list's bound: `?limit=` (1–500), 200 when absent. */
export const POD_LIST_LIMIT = { default: 200, max: 500 };
function podListLimit(value: unknown): number {
  if (value === undefined) return POD_LIST_LIMIT.default;
  const limit = Number(value);
  if (
    typeof value !== 'string' ||
    !Number.isInteger(limit) ||
    limit < 1 ||
    limit > POD_LIST_LIMIT.max
  ) {
    throw new InputError(
      `query.limit: must be a whole number from 1 to ${POD_LIST_LIMIT.max}`,
    );
  }
  return limit;
}

export async function createRouter(
  options: TerminalRouterOptions,
): Promise<express.Router> {
  const { httpAuth, auth, permissions, auditor, logger, tickets } = options;
  const router = Router();
  const wss = new WebSocketServer({
    noServer: true,
    // answer with the terminal protocol only: the ticket is never echoed back
    handleProtocols: offered =>
      offered.has(TERMINAL_PROTOCOL) ? TERMINAL_PROTOCOL : false,
    maxPayload: 64 * 1024,
  });
  const requireTargets = () => {
    if (!options.targets)
      throw new ServiceUnavailableError(options.notConfiguredReason);
    return options.targets;
  };

  const who = (credentials: BackstageCredentials) =>
    auth.isPrincipal(credentials, 'user')
      ? credentials.principal.userEntityRef
      : 'the caller';

  /**
   * The caller's access to one target, in this order: the read permission's DENY → 403; an
   * unknown target, or one the read condition excludes → 404 (the same message); the terminal
   * permission not allowing it → 403; the write permission (asked only with `write`) → read-only
   * or not. The decisions are asked together, before the target is looked up.
   */
  const decide = async <R, O>(
    p: {
      read: ResourcePermission;
      terminal: ResourcePermission;
      write: ResourcePermission;
      match: Matcher<R>;
    },
    credentials: BackstageCredentials,
    write: boolean,
    lookup: () => Promise<{ resource: R; object: O } | undefined>,
    describe: { notFound: string; on: string },
  ): Promise<{ readOnly: boolean; resource: R; object: O } | Refusal> => {
    const ask = (permission: ResourcePermission) =>
      decideScope(permissions, permission, credentials, p.match);
    const [read, terminal, typing] = await Promise.all([
      ask(p.read),
      ask(p.terminal),
      write ? ask(p.write) : undefined,
    ]);
    if (read.denied) {
      return { refused: 403, message: deniedMessage(p.read, credentials) };
    }
    const found = await lookup();
    if (!found || !read.allows(found.resource)) {
      return { refused: 404, message: describe.notFound };
    }
    if (!terminal.allows(found.resource)) {
      return {
        refused: 403,
        message: `${who(credentials)} is not allowed ${p.terminal.name} on ${
          describe.on
        }`,
      };
    }
    return { ...found, readOnly: !typing?.allows(found.resource) };
  };

  /**
   * Whether `credentials` may open terminals into the tenant cluster <namespace>/<name>
   * (butler.cluster.terminal on it), and read-only or not (.write, asked only with `write`).
   * One decision for the ticket, the upgrade and the pod list.
   */
  const clusterAccess = (
    namespace: string,
    name: string,
    credentials: BackstageCredentials,
    write: boolean,
  ) => {
    const ref = `${namespace}/${name}`;
    return decide(
      {
        read: butlerClusterReadPermission,
        terminal: butlerClusterTerminalPermission,
        write: butlerClusterTerminalWritePermission,
        match: matchesButlerCluster,
      },
      credentials,
      write,
      () => requireTargets().cluster(namespace, name),
      {
        notFound: `tenant cluster ${ref} not found`,
        on: `tenant cluster ${ref}`,
      },
    );
  };

  /** Whether `credentials` may open `target`, and with which mode (asked only with `write`). */
  const access = async (
    target: TerminalTargetRef,
    credentials: BackstageCredentials,
    write: boolean,
  ): Promise<Access | Refusal> => {
    const targets = requireTargets();
    const ref = `${target.namespace}/${target.name}`;
    if (target.kind === 'workspace') {
      const decided = await decide(
        {
          read: butlerWorkspaceReadPermission,
          terminal: butlerWorkspaceTerminalPermission,
          write: butlerWorkspaceTerminalWritePermission,
          match: matchesButlerWorkspace,
        },
        credentials,
        write,
        () => targets.workspace(target.namespace, target.name),
        { notFound: `workspace ${ref} not found`, on: `workspace ${ref}` },
      );
      if ('refused' in decided) return decided;
      return {
        readOnly: decided.readOnly,
        resolve: () =>
          targets.workspaceTarget(
            decided.resource,
            decided.object,
            options.container,
          ),
        audit: { workspace: ref },
      };
    }
    const decided = await clusterAccess(
      target.namespace,
      target.name,
      credentials,
      write,
    );
    if ('refused' in decided) return decided;
    return {
      readOnly: decided.readOnly,
      resolve: () => targets.clusterTarget(decided.object, target.pod),
      audit: { cluster: ref },
    };
  };

  router.post('/tickets', express.json({ limit: '4kb' }), async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    // sealed into the ticket, so that whichever replica takes the upgrade can act as the user
    const token = /^Bearer\s+(\S+)$/i.exec(
      req.headers.authorization ?? '',
    )?.[1];
    if (!token) {
      throw new AuthenticationError(
        'a terminal ticket is issued to a bearer token (Authorization header) only',
      );
    }
    const target = parseTarget(req.body);
    const decided = await access(target, credentials, false);
    if ('refused' in decided) {
      throw decided.refused === 404
        ? new NotFoundError(decided.message)
        : new NotAllowedError(decided.message);
    }
    const issued = await tickets.issue({
      userEntityRef: who(credentials),
      target,
      token,
    });
    res.status(201).json({ ...issued, protocol: TERMINAL_PROTOCOL });
  });

  router.get('/clusters/:namespace/:name/pods', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const namespace = field(
      'params.namespace',
      req.params.namespace,
      DNS1123_LABEL,
      LABEL,
    );
    const name = field('params.name', req.params.name, DNS1123_LABEL, LABEL);
    const limit = podListLimit(req.query.limit);
    // asked as the ticket is: the pod names of a cluster are for those who may open its terminal
    const decided = await clusterAccess(namespace, name, credentials, true);
    if ('refused' in decided) {
      throw decided.refused === 404
        ? new NotFoundError(decided.message)
        : new NotAllowedError(decided.message);
    }
    const listed = await requireTargets().clusterPods(decided.object, limit);
    res.json({
      cluster: `${namespace}/${name}`,
      writable: !decided.readOnly,
      ...listed,
      limit,
    });
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
    const grant = ticket ? await tickets.redeem(ticket) : undefined;
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
    let credentials: BackstageCredentials;
    try {
      credentials = await auth.authenticate(grant.token);
    } catch (e) {
      refuse(
        401,
        'AuthenticationError',
        `the sign-in of ${grant.userEntityRef} is no longer valid: ${
          (e as Error).message
        }`,
      );
      return;
    }
    if (who(credentials) !== grant.userEntityRef) {
      refuse(
        401,
        'AuthenticationError',
        'the ticket was issued to another user',
      );
      return;
    }
    // decided again now, as the holder: a role withdrawn since the ticket was issued counts
    const decided = await access(grant.target, credentials, true);
    if ('refused' in decided) {
      refuse(
        decided.refused,
        decided.refused === 404 ? 'NotFoundError' : 'NotAllowedError',
        decided.message,
      );
      return;
    }
    const target = await decided.resolve();
    const audit = await auditor.createEvent({
      eventId: 'terminal-session',
      severityLevel: 'medium',
      meta: {
        actor: grant.userEntityRef,
        ...decided.audit,
        pod: `${target.podNamespace}/${target.podName}`,
        container: target.container,
        mode: decided.readOnly ? 'read-only' : 'read-write',
        startedAt: new Date().toISOString(),
      },
    });
    wss.handleUpgrade(req, req.socket, Buffer.alloc(0), browser => {
      startTerminalSession({
        browser,
        target,
        readOnly: decided.readOnly,
        command: options.command,
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
