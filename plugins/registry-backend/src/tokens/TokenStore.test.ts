/*
 * Registry tokens on each test database: stored hashed, shown once, scoped, revoked at once.
 */
import crypto from 'crypto';
import { TestDatabases } from '@backstage/backend-test-utils';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';
import { migrateRegistryDatabase, TokenStore } from './TokenStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: testDatabaseIds(),
  disableDocker: true,
});

describe.each(databases.eachSupportedId())('TokenStore on %s', databaseId => {
  async function store(now?: () => number) {
    const knex = await databases.init(databaseId);
    await migrateRegistryDatabase({ getClient: async () => knex } as any);
    return { knex, tokens: new TokenStore(knex, now) };
  }

  it('stores only the sha256 of a token and checks it', async () => {
    const { knex, tokens } = await store();
    const created = await tokens.create({
      name: 'ci',
      owner: 'user:default/guest',
      namespaces: ['team-b', 'team-a', 'team-a'],
    });
    expect(created.namespaces).toEqual(['team-a', 'team-b']);
    const rows = await knex('registry_tokens').select();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(created.token);
    expect(rows[0].token_hash).toBe(
      crypto.createHash('sha256').update(created.token).digest('hex'),
    );
    await expect(tokens.check(created.token)).resolves.toMatchObject({
      ok: true,
      token: { id: created.id, namespaces: ['team-a', 'team-b'] },
    });
    await expect(tokens.check(`${created.token}x`)).resolves.toEqual({
      ok: false,
      reason: 'the registry token is not known',
    });
  });

  it('refuses a revoked token at once, even right after a cached check', async () => {
    const { tokens } = await store();
    const created = await tokens.create({
      name: 'laptop',
      owner: 'user:default/guest',
      namespaces: ['team-a'],
    });
    expect((await tokens.check(created.token)).ok).toBe(true);
    await expect(tokens.revoke(created.id)).resolves.toBe(true);
    const check = await tokens.check(created.token);
    expect(check).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /^the registry token "laptop" was revoked at \d{4}-/,
      ),
    });
    await expect(tokens.revoke(crypto.randomUUID())).resolves.toBe(false);
  });

  it('lists an owner’s tokens newest first without secrets', async () => {
    let now = Date.UTC(2026, 0, 1);
    const { tokens } = await store(() => now);
    await tokens.create({
      name: 'first',
      owner: 'user:default/a',
      namespaces: ['x'],
    });
    now += 1000;
    await tokens.create({
      name: 'other',
      owner: 'user:default/b',
      namespaces: ['x'],
    });
    const list = await tokens.list('user:default/a');
    expect(list.map(t => t.name)).toEqual(['first']);
    expect(Object.keys(list[0]).sort()).toEqual([
      'createdAt',
      'id',
      'name',
      'namespaces',
      'owner',
    ]);
  });
});
