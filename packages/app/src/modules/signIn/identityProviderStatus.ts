/*
 * The status of sign-in from the management cluster's IdentityProvider, as the auth backend's
 * module reports it (GET /api/auth/identity-provider/status, no sign-in needed, no secret in it;
 * plugins/auth-backend-module-butler-oidc). The sign-in page offers the `butler` provider when it
 * is Ready; the status page shows it with the reason when it is not.
 */
export interface IdentityProviderStatus {
  /** the IdentityProvider in use or at fault */
  name?: string;
  phase: 'Ready' | 'Failed' | 'NotFound' | 'Pending';
  /** why it cannot be used (names the object and field) */
  reason?: string;
  issuer?: string;
  clientId?: string;
  checkedAt?: string;
}

const PHASES = ['Ready', 'Failed', 'NotFound', 'Pending'];

/** Reads the status; an error says what went wrong (the page shows it, sign-in goes on without). */
export async function fetchIdentityProviderStatus(
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> },
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<IdentityProviderStatus> {
  const url = `${await discoveryApi.getBaseUrl(
    'auth',
  )}/identity-provider/status`;
  // plain fetch: the sign-in page asks before there is an identity to send
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? 5000);
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, { signal: abort.signal });
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) {
    throw new Error(`${url} answered ${res.status} ${res.statusText}`.trim());
  }
  const body = (await res.json()) as IdentityProviderStatus;
  if (!body || !PHASES.includes(body.phase)) {
    throw new Error(`${url} did not answer with an identity provider status`);
  }
  return body;
}

/** The status in words for people: configured, broken (with the reason), or not set up. */
export function describeIdentityProvider(status: IdentityProviderStatus): {
  state: 'configured' | 'broken' | 'not configured' | 'checking';
  summary: string;
} {
  const name = status.name
    ? `IdentityProvider ${status.name}`
    : 'sign-in from the IdentityProvider';
  switch (status.phase) {
    case 'Ready':
      return {
        state: 'configured',
        summary: `${name} is configured: users sign in through ${status.issuer}.`,
      };
    case 'Failed':
      return {
        state: 'broken',
        summary: `${name} is broken: ${status.reason ?? 'no reason given'}.`,
      };
    case 'NotFound':
      return {
        state: 'not configured',
        summary: `${name} is not configured: ${
          status.reason ?? 'no IdentityProvider'
        }.`,
      };
    default:
      return {
        state: 'checking',
        summary: `${name} is being checked${
          status.reason ? ` (${status.reason})` : ''
        }.`,
      };
  }
}
