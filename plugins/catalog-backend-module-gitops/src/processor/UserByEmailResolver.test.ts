import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { UserByEmailResolver } from './UserByEmailResolver';

const user = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
});

function setUp(usersByEmail: Record<string, Entity[]>) {
  let clock = 0;
  const getEntities = jest.fn(async (request: any) => ({
    items: usersByEmail[request.filter['spec.profile.email']] ?? [],
  }));
  const logger = mockServices.logger.mock();
  const resolver = new UserByEmailResolver({
    catalog: { getEntities },
    auth: {
      getOwnServiceCredentials: async () =>
        mockCredentials.service('plugin:catalog'),
    },
    logger,
    ttlMs: 1000,
    missTtlMs: 100,
    now: () => clock,
  });
  return { resolver, getEntities, logger, tick: (ms: number) => (clock += ms) };
}

describe('UserByEmailResolver', () => {
  it('finds the User of an email, case-insensitively, asking the catalog for users only', async () => {
    const { resolver, getEntities } = setUp({
      'jane@example.com': [user('jane')],
    });
    await expect(resolver.userRefByEmail(' Jane@Example.com ')).resolves.toBe(
      'user:default/jane',
    );
    expect(getEntities).toHaveBeenCalledWith(
      {
        filter: { kind: 'User', 'spec.profile.email': 'jane@example.com' },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: mockCredentials.service('plugin:catalog') },
    );
  });

  it('asks once per email while the answer is fresh, misses included, and again once it is stale', async () => {
    const { resolver, getEntities, tick } = setUp({
      'jane@example.com': [user('jane')],
    });
    await Promise.all([
      resolver.userRefByEmail('jane@example.com'),
      resolver.userRefByEmail('jane@example.com'),
      resolver.userRefByEmail('nobody@example.com'),
    ]);
    await resolver.userRefByEmail('JANE@example.com');
    await expect(
      resolver.userRefByEmail('nobody@example.com'),
    ).resolves.toBeUndefined();
    expect(getEntities).toHaveBeenCalledTimes(2);

    // a miss goes stale sooner: the User may be added any moment
    tick(100);
    await resolver.userRefByEmail('nobody@example.com');
    await resolver.userRefByEmail('jane@example.com');
    expect(getEntities).toHaveBeenCalledTimes(3);

    tick(900);
    await resolver.userRefByEmail('jane@example.com');
    expect(getEntities).toHaveBeenCalledTimes(4);
  });

  it('names no owner when several users share the email, and says why', async () => {
    const { resolver, logger } = setUp({
      'team@example.com': [user('b'), user('a')],
    });
    await expect(
      resolver.userRefByEmail('team@example.com'),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        '2 users have the email team@example.com (user:default/a, user:default/b)',
      ),
    );
  });
});
