/*
 * What every route needs: the services, plus the two questions each write asks — who is
 * signed in, and may they do this.
 */
import type {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import type { EventsService } from '@backstage/plugin-events-node';
import {
  createAuthorize,
  createResourceAuthorizer,
  type Authorize,
  type ResourceAuthorizer,
  type ChangeAuthor,
  type ChangeService,
  type GitProvidersService,
} from '@butler-portal/plugin-gitops-node';
import type { Request } from 'express';
import type { CatalogDirectory } from '../identity/catalogDirectory';
import { resolveChangeAuthor } from '../identity/resolveChangeAuthor';
import { withScmToken } from '../identity/scmTokenHeader';
import type { ConfiguredRepositories } from '../repositories/ConfiguredRepositories';
import type { ResourceReader } from '../resources/ResourceReader';
import type { SyncTasks } from '../sync/SyncTasks';

export interface RouterOptions {
  changes: ChangeService;
  repositories: ConfiguredRepositories;
  /** the providers' registry: which factory serves a repository (webhook verification) */
  gitProviders: GitProvidersService;
  resources: ResourceReader;
  /** the reconciler tasks behind /sync */
  sync: SyncTasks;
  directory: CatalogDirectory;
  httpAuth: HttpAuthService;
  userInfo: UserInfoService;
  auth: AuthService;
  permissions: PermissionsService;
  events: EventsService;
  discovery: DiscoveryService;
  logger: LoggerService;
}

export class RouterContext {
  constructor(readonly options: RouterOptions) {
    this.authorize = createAuthorize(options);
    this.resourceAuthorizer = createResourceAuthorizer(options);
  }

  /** resource permissions: conditions applied to the files in hand */
  readonly resourceAuthorizer: ResourceAuthorizer;

  /** the signed-in user's credentials; 401 for anyone else */
  async user(
    req: Request,
  ): Promise<BackstageCredentials<BackstageUserPrincipal>> {
    return this.options.httpAuth.credentials(req, { allow: ['user'] });
  }

  /** @throws NotAllowedError (403) unless the permission policy allows it */
  readonly authorize: Authorize;

  /**
   * the signed-in user as commit author (name and email from the catalog), acting with their own
   * SCM token when the request carries one (X-Butler-Scm-Token)
   */
  async author(
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    req: Pick<Request, 'header'>,
  ): Promise<ChangeAuthor> {
    const { userEntityRef } = await this.options.userInfo.getUserInfo(
      credentials,
    );
    return withScmToken(
      await resolveChangeAuthor(userEntityRef, this.options.directory),
      req,
    );
  }
}
