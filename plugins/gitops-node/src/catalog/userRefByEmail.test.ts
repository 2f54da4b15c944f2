import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { userRefByEmail } from './userRefByEmail';

const user = (name: string, namespace = 'default'): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace },
});

function catalogOf(usersByEmail: Record<string, Entity[]>) {
  const getEntities = jest.fn(async (request: any) => ({
    items: usersByEmail[request.filter['spec.profile.email']] ?? [],
  }));
  const auth = {
    getOwnServiceCredentials: async () =>
      mockCredentials.service('plugin:gitops'),
  };
  return { catalog: { getEntities }, auth, getEntities };
}

describe('userRefByEmail', () => {
  it('asks the catalog for Users with the email, trimmed and lower-cased, as the service', async () => {
    const { getEntities, ...options } = catalogOf({
      'jane@example.com': [user('jane')],
    });
    await expect(userRefByEmail(' Jane@Example.com ', options)).resolves.toBe(
      'user:default/jane',
    );
    expect(getEntities).toHaveBeenCalledWith(
      {
        filter: { kind: 'User', 'spec.profile.email': 'jane@example.com' },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: mockCredentials.service('plugin:gitops') },
    );
  });

  it('names nobody for an unknown email, and does not ask for a blank one', async () => {
    const { getEntities, ...options } = catalogOf({});
    await expect(
      userRefByEmail('who@example.com', options),
    ).resolves.toBeUndefined();
    await expect(userRefByEmail('   ', options)).resolves.toBeUndefined();
    expect(getEntities).toHaveBeenCalledTimes(1);
  });

  it('names nobody when several Users share the email, and tells who they are', async () => {
    const onAmbiguous = jest.fn();
    const { getEntities: _, ...options } = catalogOf({
      'team@example.com': [user('b'), user('a', 'ops'), user('b')],
    });
    await expect(
      userRefByEmail('team@example.com', { ...options, onAmbiguous }),
    ).resolves.toBeUndefined();
    expect(onAmbiguous).toHaveBeenCalledWith(['user:default/b', 'user:ops/a']);
  });

  it('takes one User listed twice as that User', async () => {
    const { getEntities: _, ...options } = catalogOf({
      'jane@example.com': [user('jane'), user('jane')],
    });
    await expect(userRefByEmail('jane@example.com', options)).resolves.toBe(
      'user:default/jane',
    );
  });
});
