/*
 * The whole /api/registry router: protocol routes (their own auth, see ProtocolAccess) and the
 * REST API (Backstage credentials + permissions).
 */
import Router from 'express-promise-router';
import type {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { SignedUrls } from './archive/SignedUrls';
import { ProtocolAccess } from './auth/ProtocolAccess';
import type { RegistryConfig } from './config';
import { helmRouter } from './protocols/helm';
import { opaRouter } from './protocols/opa';
import { terraformDiscovery, terraformRouter } from './protocols/terraform';
import type { Registry } from './Registry';
import type { OpenVersions } from './records/OpenVersions';
import { restRouter } from './rest/restRouter';
import type { TokenStore } from './tokens/TokenStore';

export interface CreateRouterOptions {
  registry: Registry;
  openVersions: OpenVersions;
  tokens: TokenStore;
  config: RegistryConfig;
  auth: AuthService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  baseUrl: () => Promise<string>;
  fetchImpl?: typeof fetch;
  now?: () => number;
}

/** paths the plugin authenticates itself (protocol clients do not send Backstage tokens) */
export const PROTOCOL_PATHS = ['/.well-known', '/terraform', '/helm', '/opa'];

export function createRouter(options: CreateRouterOptions) {
  const access = new ProtocolAccess({
    tokens: options.tokens,
    auth: options.auth,
    permissions: options.permissions,
    allowAnonymousRead: options.config.allowAnonymousRead,
  });
  const signedUrls = new SignedUrls({
    secret: options.config.signingSecret,
    ttlSeconds: options.config.signedUrlTtlSeconds,
    now: options.now,
  });
  const router = Router();
  // each protocol under its own prefix, so a request only walks its own routes
  router.get(
    '/.well-known/terraform.json',
    terraformDiscovery(options.baseUrl),
  );
  router.use(
    '/terraform',
    terraformRouter({
      registry: options.registry,
      access,
      signedUrls,
      baseUrl: options.baseUrl,
    }),
  );
  router.use(
    '/helm',
    helmRouter({
      registry: options.registry,
      access,
      fetchImpl: options.fetchImpl,
    }),
  );
  router.use('/opa', opaRouter({ registry: options.registry, access }));
  router.use(restRouter(options));
  return router;
}
