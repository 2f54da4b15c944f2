/*
 * How a Git provider module plugs into the portal: it registers a GitProviderFactory for one
 * provider type (`local`, `github`, `gitlab`) through gitopsProvidersExtensionPoint, and the
 * gitops backend creates one provider per configured repository of that type. The core never
 * imports a provider, so isomorphic-git, octokit and gitbeaker stay in their modules.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ScmIntegrationRegistry } from '@backstage/integration';
import type { IncomingHttpHeaders } from 'http';
import type { OwnerDirectory } from '../provider/approvalRules';
import type { GitEvent, GitProvider } from '../provider/types';
import type { GitopsRepositoryConfig } from './readGitopsConfig';

export interface GitProviderFactoryContext {
  integrations: ScmIntegrationRegistry;
  /** a child logger named for the repository */
  logger: LoggerService;
  /** events the provider raises itself (the local provider's merges and pushes) */
  onEvent(event: GitEvent): void;
  /**
   * Who is in which group, for CODEOWNERS; late-bound (the catalog arrives when the gitops
   * backend starts), so call it on every question, do not keep its answer.
   */
  ownerDirectory(): OwnerDirectory | undefined;
}

export interface WebhookDelivery {
  headers: IncomingHttpHeaders;
  /** the body exactly as received; signatures are computed over these bytes */
  rawBody: Buffer;
}

export interface GitProviderFactory<
  C extends GitopsRepositoryConfig = GitopsRepositoryConfig,
> {
  /** the `provider:` value of `gitops.repositories[]` this factory serves */
  readonly type: C['provider'];
  create(config: C, context: GitProviderFactoryContext): Promise<GitProvider>;
  /**
   * Verifies a webhook delivery for a repository of this type and says what happened;
   * undefined for deliveries that change nothing (ping, other events). Throws
   * AuthenticationError for a delivery that cannot be verified. Absent for providers whose
   * events come from the portal itself.
   */
  parseWebhook?(config: C, delivery: WebhookDelivery): GitEvent | undefined;
}
