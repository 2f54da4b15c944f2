/*
 * The IdentityProvider the portal signs in with, read from the management cluster every
 * `intervalMs` (IdentityProviders change rarely; a poll also notices a rotated Secret, which a
 * watch of IdentityProviders alone would not). Which one: `name` when configured, else the only
 * IdentityProvider with `type: oidc` (several without a name is a reason, not a guess). Each read
 * also checks that the issuer answers its discovery document, so that an unreachable issuer is
 * reported on the status route before a user tries to sign in.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import http from 'http';
import https from 'https';
import { BUTLER_GROUP, BUTLER_VERSION } from '@butler-portal/kube-node';
import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
} from '@kubernetes/client-node';
import {
  toOidcSettings,
  withOfflineAccess,
  type OidcSettings,
} from './oidcSettings';

export interface IdentityProviderStatus {
  /** the IdentityProvider in use or at fault */
  name?: string;
  phase: 'Ready' | 'Failed' | 'NotFound' | 'Pending';
  /** why it cannot be used (names the object and field) */
  reason?: string;
  issuer?: string;
  clientId?: string;
  /** the scopes asked for (offline_access among them when sessions are renewed) */
  scopes?: string[];
  checkedAt?: string;
}

export interface IdentityProviderSourceOptions {
  kubeConfig: KubeConfig;
  logger: LoggerService;
  name?: string;
  intervalMs?: number;
  /** how long the issuer's discovery may take before it counts as unreachable */
  discoveryTimeoutMs?: number;
}

const statusCode = (e: unknown) =>
  (e as { code?: number }).code ??
  (e as { response?: { statusCode?: number } }).response?.statusCode;

export class IdentityProviderSource {
  readonly #custom: CustomObjectsApi;
  readonly #core: CoreV1Api;
  #settings?: OidcSettings;
  #status: IdentityProviderStatus = { phase: 'Pending' };
  #timer?: NodeJS.Timeout;
  /** the scopes_supported of the issuer's last discovery document */
  #supported?: { issuer: string; scopes: unknown };
  #listeners = new Set<() => void>();

  constructor(private readonly options: IdentityProviderSourceOptions) {
    this.#custom = options.kubeConfig.makeApiClient(CustomObjectsApi);
    this.#core = options.kubeConfig.makeApiClient(CoreV1Api);
  }

  settings(): OidcSettings | undefined {
    return this.#settings;
  }

  status(): IdentityProviderStatus {
    return { ...this.#status };
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(
      () => void this.refresh(),
      this.options.intervalMs ?? 10_000,
    );
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }

  /** Reads the IdentityProvider again; the new settings count from the next sign-in. */
  async refresh(): Promise<void> {
    const before = JSON.stringify(this.#settings ?? null);
    const checkedAt = new Date().toISOString();
    try {
      const result = await this.#read();
      if (result.ok) {
        const discovery = await this.#discover(result.settings);
        const { issuer } = result.settings;
        if (!discovery.reason) {
          this.#supported = { issuer, scopes: discovery.scopesSupported };
        }
        // a discovery without answer keeps the issuer's last list: a Google IdentityProvider
        // must not be asked offline_access, which it refuses, because its document timed out
        const settings: OidcSettings = {
          ...result.settings,
          scopes: withOfflineAccess(
            result.settings.scopes,
            this.#supported?.issuer === issuer
              ? this.#supported.scopes
              : undefined,
          ),
        };
        this.#settings = settings;
        this.#status = {
          name: settings.name,
          phase: discovery.reason ? 'Failed' : 'Ready',
          ...(discovery.reason && { reason: discovery.reason }),
          issuer: settings.issuer,
          clientId: settings.clientId,
          scopes: settings.scopes,
          checkedAt,
        };
      } else {
        this.#settings = undefined;
        this.#status = {
          ...(result.name && { name: result.name }),
          phase: result.notFound ? 'NotFound' : 'Failed',
          reason: result.reason,
          checkedAt,
        };
      }
    } catch (e) {
      // the cluster does not answer: keep what worked, say why it could not be checked
      this.#status = {
        ...this.#status,
        reason: `the management cluster cannot be read: ${
          (e as Error).message
        }`,
        checkedAt,
      };
    }
    if (JSON.stringify(this.#settings ?? null) !== before) {
      this.options.logger.info(
        this.#settings
          ? `sign-in from IdentityProvider ${this.#settings.name} (issuer ${
              this.#settings.issuer
            }, client ${this.#settings.clientId})`
          : `sign-in from an IdentityProvider is unavailable: ${
              this.#status.reason
            }`,
      );
      for (const l of this.#listeners) l();
    }
  }

  async #read(): Promise<
    | { ok: true; settings: OidcSettings }
    | { ok: false; name?: string; reason: string; notFound?: boolean }
  > {
    const list = (await this.#custom.listClusterCustomObject({
      group: BUTLER_GROUP,
      version: BUTLER_VERSION,
      plural: 'identityproviders',
    })) as { items?: Array<Record<string, any>> };
    const items = list.items ?? [];
    let idp: Record<string, any> | undefined;
    if (this.options.name) {
      idp = items.find(i => i.metadata?.name === this.options.name);
      if (!idp) {
        return {
          ok: false,
          notFound: true,
          name: this.options.name,
          reason: `IdentityProvider ${this.options.name} not found`,
        };
      }
    } else {
      const oidc = items.filter(i => i.spec?.type === 'oidc');
      if (oidc.length === 0)
        return {
          ok: false,
          notFound: true,
          reason: 'no IdentityProvider of type oidc',
        };
      if (oidc.length > 1) {
        return {
          ok: false,
          reason: `several IdentityProviders of type oidc (${oidc
            .map(i => i.metadata?.name)
            .join(', ')}): name one in auth.providers.butler.identityProvider`,
        };
      }
      idp = oidc[0];
    }
    return toOidcSettings(idp, async (namespace, name) => {
      try {
        return (
          (await this.#core.readNamespacedSecret({ namespace, name })).data ??
          {}
        );
      } catch (e) {
        if (statusCode(e) === 404) return undefined;
        throw e;
      }
    });
  }

  /**
   * The scopes the issuer's discovery document lists, or why it cannot be had. Through node's
   * http(s) with its global agent, as openid-client (the authenticator) fetches it, so both trust
   * the same CAs.
   */
  async #discover(
    settings: OidcSettings,
  ): Promise<{ reason?: string; scopesSupported?: unknown }> {
    const timeoutMs = this.options.discoveryTimeoutMs ?? 5000;
    const url = new URL(settings.metadataUrl);
    const lib = url.protocol === 'https:' ? https : http;
    const at = `IdentityProvider ${settings.name}: spec.oidc.issuerURL`;
    return new Promise(resolve => {
      const req = lib.get(url, { timeout: timeoutMs }, res => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', d => {
          body += d;
          if (body.length > 1_000_000)
            req.destroy(new Error('discovery document too large'));
        });
        res.on('end', () => {
          if (res.statusCode !== 200) {
            resolve({ reason: `${at}: discovery answered ${res.statusCode}` });
            return;
          }
          let doc: { issuer?: string; scopes_supported?: unknown };
          try {
            doc = JSON.parse(body);
          } catch {
            resolve({ reason: `${at}: the discovery document is not JSON` });
            return;
          }
          resolve(
            doc.issuer?.replace(/\/$/, '') === settings.issuer
              ? { scopesSupported: doc.scopes_supported }
              : {
                  reason: `${at}: the discovery document names issuer ${JSON.stringify(
                    doc.issuer,
                  )}`,
                },
          );
        });
      });
      req.on('timeout', () => req.destroy(new Error('no answer')));
      req.on('error', e =>
        resolve({
          reason: `${at}: ${settings.metadataUrl} is unreachable (${e.message})`,
        }),
      );
    });
  }
}
