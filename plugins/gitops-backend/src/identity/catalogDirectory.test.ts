import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogDirectory } from './catalogDirectory';

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'jane' },
    spec: {
      profile: { displayName: 'Jane Doe', email: 'jane@example.com' },
      memberOf: ['platform-team'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'bare', namespace: 'ops', title: 'Bare Bones' },
    spec: { memberOf: [] },
    relations: [
      { type: 'memberOf', targetRef: 'group:default/observability-team' },
    ],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform-team' },
    spec: { type: 'team', children: [] },
  },
];

const directory = () =>
  new CatalogDirectory(catalogServiceMock({ entities }), mockServices.auth());

describe('CatalogDirectory', () => {
  it('knows memberships from spec.memberOf and from relations', async () => {
    const d = directory();
    expect(
      await d.isMember('user:default/jane', 'group:default/platform-team'),
    ).toBe(true);
    expect(await d.isMember('user:default/jane', 'group:default/team-a')).toBe(
      false,
    );
    expect(
      await d.isMember('user:ops/bare', 'group:default/observability-team'),
    ).toBe(true);
    expect(
      await d.isMember('user:default/nobody', 'group:default/platform-team'),
    ).toBe(false);
  });

  it('tells groups from users and finds users by email', async () => {
    const d = directory();
    expect(await d.isGroup('group:default/platform-team')).toBe(true);
    expect(await d.isGroup('group:default/jane')).toBe(false);
    expect(await d.resolveEmail('jane@example.com')).toBe('user:default/jane');
    expect(await d.resolveEmail('who@example.com')).toBeUndefined();
  });
});
