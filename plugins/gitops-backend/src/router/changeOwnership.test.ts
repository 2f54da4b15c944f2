/*
 * GitOps changes are decided by the user's role in the team that owns the file being changed,
 * through the real routes: the policy's condition (IS_MEMBER_OF_FILE_OWNING_TEAM, gitops-common)
 * is applied by the gitops backend to the files a change touches, before and after.
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  ANNOTATION_OWNER,
  gitopsResourceConditions,
  GITOPS_RESOURCE_RESOURCE_TYPE,
} from '@butler-portal/plugin-gitops-common';
import request from 'supertest';
import {
  CREATE,
  startPortal,
  WORKSPACE,
} from '../__testUtils__/startTestPortal';

jest.setTimeout(90_000);

const ADMIN_A = 'user:default/alice'; // admin of team-a (namespace team-a)
const ADMIN_B = 'user:default/bob'; // admin of team-b (namespace team-b)
const TEAM_OF_ADMIN: Record<string, string> = {
  [ADMIN_A]: 'team-a',
  [ADMIN_B]: 'team-b',
};
const as = (ref: string) => ({
  Authorization: mockCredentials.user.header(ref),
});

/** the Butler policy's answer for a team admin: the change permissions on their team's files */
function policy(name: string, user?: string) {
  if (!name.startsWith('gitops.change.')) return AuthorizeResult.ALLOW;
  const team = user && TEAM_OF_ADMIN[user];
  if (!team) return AuthorizeResult.DENY;
  return {
    result: AuthorizeResult.CONDITIONAL as AuthorizeResult.CONDITIONAL,
    pluginId: 'gitops',
    resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
    conditions: gitopsResourceConditions.isOwningTeamMember({
      teams: [team],
      namespaces: [team],
    }),
  };
}

const workspaceIn = (
  namespace: string,
  name: string,
  annotations?: Record<string, string>,
) => ({
  ...CREATE,
  namespace,
  name,
  resource: {
    ...WORKSPACE,
    metadata: { name, namespace, ...(annotations && { annotations }) },
  },
});

describe('changes decided by the owning team of the file', () => {
  it("opens a change on one's own team's file, refuses another team's, and a file claiming another owner", async () => {
    const { server } = await startPortal({ permission: policy });
    const api = request(server);
    await api
      .post('/api/gitops/changes')
      .set(as(ADMIN_A))
      .send(workspaceIn('team-a', 'a-one'))
      .expect(201);

    const foreign = await api
      .post('/api/gitops/changes')
      .set(as(ADMIN_A))
      .send(workspaceIn('team-b', 'b-one'))
      .expect(403);
    expect(foreign.body.error.message).toBe(
      'user:default/alice is not allowed gitops.change.create on Workspace team-b/b-one',
    );
    // in team-a's folder, but declaring team-b as its owner: team-b's file
    const claimed = await api
      .post('/api/gitops/changes')
      .set(as(ADMIN_A))
      .send(
        workspaceIn('team-a', 'a-two', {
          [ANNOTATION_OWNER]: 'group:default/team-b',
        }),
      )
      .expect(403);
    expect(claimed.body.error.message).toBe(
      'user:default/alice is not allowed gitops.change.create on Workspace team-a/a-two (owned by team team-b)',
    );
    await api
      .post('/api/gitops/changes')
      .set(as(ADMIN_B))
      .send(
        workspaceIn('team-a', 'a-two', {
          [ANNOTATION_OWNER]: 'group:default/team-b',
        }),
      )
      .expect(201);
    // nobody without a team gets as far as the body
    await api
      .post('/api/gitops/changes')
      .set(as('user:default/nina'))
      .send({})
      .expect(403);
  });

  it("reviews, merges and closes only changes on one's own team's files", async () => {
    const { server } = await startPortal({ permission: policy });
    const api = request(server);
    const opened = await api
      .post('/api/gitops/changes')
      .set(as(ADMIN_B))
      .send(workspaceIn('team-b', 'b-dev'))
      .expect(201);
    const id = encodeURIComponent(opened.body.id);
    for (const [path, body] of [
      ['reviews', { decision: 'approve' }],
      ['merge', {}],
      ['close', {}],
    ] as const) {
      const refused = await api
        .post(`/api/gitops/changes/${id}/${path}`)
        .set(as(ADMIN_A))
        .send(body)
        .expect(403);
      expect(refused.body.error.message).toMatch(
        /^user:default\/alice is not allowed gitops\.change\.(review|merge|close) on Workspace team-b\/b-dev$/,
      );
    }
    // the owning team's admin closes it
    await api
      .post(`/api/gitops/changes/${id}/close`)
      .set(as(ADMIN_B))
      .send({})
      .expect(200);
  });
});
