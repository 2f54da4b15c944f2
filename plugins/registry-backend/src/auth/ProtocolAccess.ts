/*
 * Who is asking on a protocol route (terraform, tofu, helm, OPA). Those clients send a token in
 * `Authorization: Bearer` (Terraform's credentials block, OPA's bearer credentials) or as the
 * password of HTTP Basic (helm). The token is a registry token (`krt_...`, read-only, scoped to
 * namespaces) or a Backstage token, whose principal must hold registry.artifact.read. Without a
 * token the request is anonymous, allowed only when `registry.allowAnonymousRead` is on.
 */
import type { Request } from 'express';
import type {
  AuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { registryReadPermission } from '@butler-portal/plugin-registry-common';
import { RegistryError } from '../errors';
import { TOKEN_PREFIX, type TokenStore } from '../tokens/TokenStore';

export interface Access {
  /** `anonymous`, `token:<id>` or the principal's entity ref */
  who: string;
  /** namespaces this access may read; undefined = all */
  namespaces?: ReadonlySet<string>;
}

export class UnauthorizedError extends RegistryError {
  constructor(message: string) {
    super(401, message);
  }
}

function tokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const [scheme, value = ''] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme)) return value.trim() || undefined;
  if (/^basic$/i.test(scheme)) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    // the user name is informational; the password is the token
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
  }
  throw new UnauthorizedError(
    `unsupported Authorization scheme "${scheme}"; send a registry or Backstage token as Bearer (or as the password of Basic)`,
  );
}

export class ProtocolAccess {
  constructor(
    private readonly options: {
      tokens: TokenStore;
      auth: AuthService;
      permissions: PermissionsService;
      allowAnonymousRead: boolean;
    },
  ) {}

  async of(req: Request): Promise<Access> {
    const token = tokenOf(req);
    if (token === undefined) {
      if (this.options.allowAnonymousRead) return { who: 'anonymous' };
      throw new UnauthorizedError(
        'this registry needs a token: a registry token (created on the Registry tokens page) or a Backstage token',
      );
    }
    if (token.startsWith(TOKEN_PREFIX)) {
      const check = await this.options.tokens.check(token);
      if (!check.ok) throw new UnauthorizedError(check.reason);
      return {
        who: `token:${check.token.id}`,
        namespaces: new Set(check.token.namespaces),
      };
    }
    let credentials;
    try {
      credentials = await this.options.auth.authenticate(token);
    } catch {
      throw new UnauthorizedError(
        'the token is neither a registry token nor a valid Backstage token',
      );
    }
    const [decision] = await this.options.permissions.authorize(
      [{ permission: registryReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new RegistryError(
        403,
        'you may not read the registry (registry.artifact.read)',
      );
    }
    const principal = credentials.principal as {
      userEntityRef?: string;
      subject?: string;
    };
    return { who: principal.userEntityRef ?? principal.subject ?? 'service' };
  }

  /** throws 403 unless `access` may read `namespace` */
  static checkNamespace(access: Access, namespace: string): void {
    if (access.namespaces && !access.namespaces.has(namespace)) {
      throw new RegistryError(
        403,
        `the registry token may read the namespaces ${[
          ...access.namespaces,
        ].join(', ')}, not ${namespace}`,
      );
    }
  }
}
