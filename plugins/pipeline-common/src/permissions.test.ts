import { isPermission } from '@backstage/plugin-permission-common';
import {
  pipelineChangeCreatePermission,
  pipelinePermissions,
  pipelineReadPermission,
} from './permissions';

describe('pipeline permissions', () => {
  it('are resource permissions on GitOps files with the actions policies match on, each once', () => {
    expect(
      pipelinePermissions.map(p => [p.name, p.type, p.attributes.action]),
    ).toEqual([
      ['pipeline.read', 'resource', 'read'],
      ['pipeline.change.create', 'resource', 'create'],
    ]);
    expect(
      isPermission(pipelineReadPermission, pipelineChangeCreatePermission),
    ).toBe(false);
  });
});
