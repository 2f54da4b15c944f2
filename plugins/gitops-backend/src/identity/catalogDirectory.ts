/*
 * The catalog as the directory of people and teams: who is a member of which group (CODEOWNERS
 * of local repositories), and who a user is (name and email for commit authorship).
 */
import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  RELATION_MEMBER_OF,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  type OwnerDirectory,
  userRefByEmail,
} from '@butler-portal/plugin-gitops-node';

const sameRef = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

export class CatalogDirectory implements OwnerDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  private async options() {
    return { credentials: await this.auth.getOwnServiceCredentials() };
  }

  /** the entity, or undefined when the catalog does not have it */
  async entity(ref: string): Promise<Entity | undefined> {
    return this.catalog.getEntityByRef(ref, await this.options());
  }

  isMember = async (userRef: string, groupRef: string): Promise<boolean> => {
    const user = await this.entity(userRef);
    if (!user) return false;
    const related = (user.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef);
    // spec.memberOf too: it is there before the catalog has computed the relations
    const declared = ((user.spec?.memberOf as string[] | undefined) ?? []).map(
      ref =>
        stringifyEntityRef(
          parseEntityRef(ref, {
            defaultKind: 'group',
            defaultNamespace: 'default',
          }),
        ),
    );
    return [...related, ...declared].some(ref => sameRef(ref, groupRef));
  };

  isGroup = async (groupRef: string): Promise<boolean> => {
    const group = await this.entity(groupRef);
    return group?.kind.toLowerCase() === 'group';
  };

  resolveEmail = (email: string): Promise<string | undefined> =>
    userRefByEmail(email, { catalog: this.catalog, auth: this.auth });
}
