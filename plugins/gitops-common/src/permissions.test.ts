import { isPermission } from '@backstage/plugin-permission-common';
import {
  gitopsChangeClosePermission,
  gitopsChangeCreatePermission,
  gitopsChangeMergePermission,
  gitopsChangeReviewPermission,
  gitopsPermissions,
  gitopsResourceReadPermission,
} from './permissions';

describe('gitops permissions', () => {
  it('lists every permission once, with unique names', () => {
    expect(gitopsPermissions).toEqual([
      gitopsResourceReadPermission,
      gitopsChangeCreatePermission,
      gitopsChangeReviewPermission,
      gitopsChangeMergePermission,
      gitopsChangeClosePermission,
    ]);
    expect(new Set(gitopsPermissions.map(p => p.name)).size).toBe(
      gitopsPermissions.length,
    );
  });

  it('are the actions policies match on; changes are resource permissions on the files', () => {
    expect(
      gitopsPermissions.map(p => [p.name, p.type, p.attributes.action]),
    ).toEqual([
      ['gitops.resource.read', 'resource', 'read'],
      ['gitops.change.create', 'resource', 'create'],
      ['gitops.change.review', 'resource', 'update'],
      ['gitops.change.merge', 'resource', 'update'],
      ['gitops.change.close', 'resource', 'update'],
    ]);
    expect(
      isPermission(gitopsChangeMergePermission, gitopsChangeMergePermission),
    ).toBe(true);
    expect(
      isPermission(gitopsChangeMergePermission, gitopsChangeReviewPermission),
    ).toBe(false);
  });
});
