import type { Entity } from '@backstage/catalog-model';
import { resolveChangeAuthor } from './resolveChangeAuthor';

const users: Record<string, Entity> = {
  'user:default/jane': {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane' },
    spec: { profile: { displayName: 'Jane Doe', email: 'jane@example.com' } },
  },
  'user:ops/bare': {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'bare', namespace: 'ops', title: 'Bare Bones' },
    spec: {},
  },
};
const directory = { entity: async (ref: string) => users[ref] };

describe('resolveChangeAuthor', () => {
  it('takes name and email from the User entity', async () => {
    expect(await resolveChangeAuthor('user:default/jane', directory)).toEqual({
      actor: {
        userRef: 'user:default/jane',
        name: 'Jane Doe',
        email: 'jane@example.com',
      },
    });
  });

  it('falls back to the title and a reserved placeholder address, and says so', async () => {
    const author = await resolveChangeAuthor('user:ops/bare', directory);
    expect(author.actor).toEqual({
      userRef: 'user:ops/bare',
      name: 'Bare Bones',
      email: 'bare@ops.users.butler-portal.invalid',
    });
    expect(author.notes).toEqual([
      'the catalog User entity user:ops/bare has no spec.profile.displayName and spec.profile.email; the commit is authored as Bare Bones <bare@ops.users.butler-portal.invalid>.',
    ]);
  });

  it('falls back to the entity name for a user the catalog does not know', async () => {
    const author = await resolveChangeAuthor('user:default/ghost', directory);
    expect(author.actor).toEqual({
      userRef: 'user:default/ghost',
      name: 'ghost',
      email: 'ghost@default.users.butler-portal.invalid',
    });
    expect(author.notes?.[0]).toMatch(
      /^there is no User entity user:default\/ghost in the catalog/,
    );
  });

  it('still authors the change when the catalog fails', async () => {
    const author = await resolveChangeAuthor('user:default/jane', {
      entity: async () => {
        throw new Error('catalog down');
      },
    });
    expect(author.actor.name).toBe('jane');
    expect(author.notes?.[0]).toMatch(
      /could not be asked about user:default\/jane \(Error: catalog down\)/,
    );
  });
});
