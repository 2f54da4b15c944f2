/*
 * Registry tokens decided by the owning team of the namespaces they reach, through the real
 * REST routes: the policy's condition (IS_MEMBER_OF_FILE_OWNING_TEAM, gitops-common) applied by
 * the registry backend. A writer of team-a creates tokens for team-a only; someone else's token
 * is revoked by an admin of the team of every namespace it reaches; one's own, always.
 */
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import express from 'express';
import request from 'supertest';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsResourceConditions,
  GITOPS_RESOURCE_RESOURCE_TYPE,
} from '@butler-portal/plugin-gitops-common';
import { startRegistry } from '../__testUtils__/startRegistry';
import { migrateRegistryDatabase, TokenStore } from '../tokens/TokenStore';
import { restRouter } from './restRouter';

jest.setTimeout(60_000);

const OPERATOR_A = 'user:default/oscar'; // operator of team-a
const ADMIN_A = 'user:default/alice'; // admin of team-a
const ADMIN_B = 'user:default/bob'; // admin of team-b
const VIEWER = 'user:default/vera'; // viewer only
const PLATFORM_ADMIN = 'user:default/root'; // allowed outright

const conditional = (teams: string[]) => ({
  result: AuthorizeResult.CONDITIONAL as AuthorizeResult.CONDITIONAL,
  pluginId: 'registry',
  resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
  conditions: gitopsResourceConditions.isOwningTeamMember({
    teams,
    namespaces: teams,
  }),
});

/** the Butler policy's answers for these users (create: writers; revoke: admins) */
function policy(name: string, user?: string) {
  if (user === PLATFORM_ADMIN) return AuthorizeResult.ALLOW;
  if (name === 'registry.token.create') {
    if (user === OPERATOR_A || user === ADMIN_A) return conditional(['team-a']);
    if (user === ADMIN_B) return conditional(['team-b']);
    return AuthorizeResult.DENY;
  }
  if (name === 'registry.token.revoke') {
    if (user === ADMIN_A) return conditional(['team-a']);
    if (user === ADMIN_B) return conditional(['team-b']);
    return AuthorizeResult.DENY;
  }
  return AuthorizeResult.ALLOW;
}

describe('registry tokens by the owning team of their namespaces', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  beforeAll(async () => {
    registry = await startRegistry({ permission: policy });
  });
  afterAll(() => registry.cleanup());

  const create = (who: string, namespaces: string[]) =>
    fetch(`${registry.baseUrl}/tokens`, {
      method: 'POST',
      headers: {
        Authorization: mockCredentials.user.header(who),
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name: 'ci', namespaces }),
    });
  const revoke = (who: string, id: string) =>
    fetch(`${registry.baseUrl}/tokens/${id}`, {
      method: 'DELETE',
      headers: { Authorization: mockCredentials.user.header(who) },
    });

  it("creates tokens for the own team's namespaces only", async () => {
    expect((await create(OPERATOR_A, ['team-a'])).status).toBe(201);
    const mixed = await create(OPERATOR_A, ['team-a', 'team-b']);
    expect(mixed.status).toBe(403);
    expect((await mixed.json()).error.message).toBe(
      'user:default/oscar is not allowed registry.token.create on namespace team-b',
    );
    const viewer = await create(VIEWER, ['team-a']);
    expect(viewer.status).toBe(403);
    expect((await viewer.json()).error.message).toBe(
      'user:default/vera is not allowed registry.token.create',
    );
  });

  it("revokes one's own token, and others' only as an admin of their namespaces' team", async () => {
    const token = await (await create(OPERATOR_A, ['team-a'])).json();
    const other = await revoke(ADMIN_B, token.id);
    expect(other.status).toBe(403);
    expect((await other.json()).error.message).toBe(
      'user:default/bob is not allowed registry.token.revoke on namespace team-a',
    );
    expect((await revoke(VIEWER, token.id)).status).toBe(403);
    expect((await revoke(ADMIN_A, token.id)).status).toBe(204);
    const own = await (await create(ADMIN_B, ['team-b'])).json();
    expect((await revoke(ADMIN_B, own.id)).status).toBe(204);
  });

  it("lists one's own tokens and those of the namespaces of teams one administers", async () => {
    const list = async (who: string) => {
      const res = await fetch(`${registry.baseUrl}/tokens`, {
        headers: { Authorization: mockCredentials.user.header(who) },
      });
      expect(res.status).toBe(200);
      const { items } = await res.json();
      return (items as Array<{ id: string }>).map(t => t.id);
    };
    const ofOscar = await (await create(OPERATOR_A, ['team-a'])).json();
    const ofBob = await (await create(ADMIN_B, ['team-b'])).json();
    // the operator sees their own; the admin of team-a sees it too (they may revoke it)
    expect(await list(OPERATOR_A)).toContain(ofOscar.id);
    expect(await list(OPERATOR_A)).not.toContain(ofBob.id);
    expect(await list(ADMIN_A)).toContain(ofOscar.id);
    expect(await list(ADMIN_A)).not.toContain(ofBob.id);
    // another team's admin sees neither team-a's token nor anything of it
    expect(await list(ADMIN_B)).toContain(ofBob.id);
    expect(await list(ADMIN_B)).not.toContain(ofOscar.id);
    // a viewer (no revoke anywhere) sees only their own: none
    expect(await list(VIEWER)).toEqual([]);
  });
});

describe('a token row that reaches no namespace (corrupted)', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3'],
    disableDocker: true,
  });

  /** the REST routes over a token store holding oscar's token, its namespaces emptied */
  async function withCorruptedToken() {
    const knex = await databases.init('SQLITE_3');
    await migrateRegistryDatabase({ getClient: async () => knex } as any);
    const tokens = new TokenStore(knex);
    const { id } = await tokens.create({
      name: 'ci',
      owner: OPERATOR_A,
      namespaces: ['team-a'],
    });
    await knex('registry_tokens').where({ id }).update({ namespaces: '[]' });
    const app = express();
    app.use(
      restRouter({
        // the token routes read neither the registry nor its open versions
        registry: {} as any,
        openVersions: {} as any,
        tokens,
        httpAuth: mockServices.httpAuth(),
        permissions: mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
          authorizeConditional: async (queries, { credentials }) =>
            queries.map(q => {
              const answer = policy(
                q.permission.name,
                (credentials.principal as { userEntityRef?: string })
                  .userEntityRef,
              );
              return typeof answer === 'object' ? answer : { result: answer };
            }) as any,
        }),
        baseUrl: async () => 'http://localhost/api/registry',
      }),
    );
    app.use(mockErrorHandler());
    return { app, tokens, id };
  }

  it('is listed to its owner and platform admins only, never to a team admin', async () => {
    const { app, id } = await withCorruptedToken();
    const list = async (who: string) =>
      (
        await request(app)
          .get('/tokens')
          .set('Authorization', mockCredentials.user.header(who))
          .expect(200)
      ).body.items.map((t: { id: string }) => t.id);
    // every() of no namespace is true: a row of no namespace was every admin's
    expect(await list(ADMIN_A)).toEqual([]);
    expect(await list(ADMIN_B)).toEqual([]);
    expect(await list(OPERATOR_A)).toEqual([id]);
    expect(await list(PLATFORM_ADMIN)).toEqual([id]);
  });

  it('is revoked by its owner or a platform admin, never by a team admin', async () => {
    const { app, tokens, id } = await withCorruptedToken();
    // no namespace to check is not every namespace allowed
    for (const who of [ADMIN_A, ADMIN_B]) {
      await request(app)
        .delete(`/tokens/${id}`)
        .set('Authorization', mockCredentials.user.header(who))
        .expect(403);
    }
    expect((await tokens.get(id))?.revokedAt).toBeUndefined();
    await request(app)
      .delete(`/tokens/${id}`)
      .set('Authorization', mockCredentials.user.header(OPERATOR_A))
      .expect(204);
    expect((await tokens.get(id))?.revokedAt).toBeDefined();
    const other = await withCorruptedToken();
    await request(other.app)
      .delete(`/tokens/${other.id}`)
      .set('Authorization', mockCredentials.user.header(PLATFORM_ADMIN))
      .expect(204);
  });
});
