/*
 * GET /sync to a caller who may not read everything: a target's message and last error are
 * written for the whole repository (invalid files and their issues, failed objects, totals of
 * every team), so they are restated from what the caller may read; a platform viewer gets them
 * as written. Through the real routes, with a broken file in team-b's folder.
 */
import fs from 'fs';
import path from 'path';
import {
  createMockDirectory,
  mockCredentials,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  gitopsResourceConditions,
  GITOPS_RESOURCE_RESOURCE_TYPE,
} from '@butler-portal/plugin-gitops-common';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import request from 'supertest';
import { git, GUEST, startPortal } from '../__testUtils__/startTestPortal';

jest.setTimeout(120_000);

const ALICE = 'user:default/alice'; // member of team-a
const VERA = 'user:default/vera'; // platform viewer
const as = (ref: string) => ({
  Authorization: mockCredentials.user.header(ref),
});

function policy(name: string, user?: string) {
  if (user === GUEST) return AuthorizeResult.ALLOW;
  if (name !== 'gitops.resource.read' && name !== 'pipeline.read') {
    return AuthorizeResult.DENY;
  }
  if (user === VERA) return AuthorizeResult.ALLOW;
  return {
    result: AuthorizeResult.CONDITIONAL as AuthorizeResult.CONDITIONAL,
    pluginId: 'gitops',
    resourceType: GITOPS_RESOURCE_RESOURCE_TYPE,
    conditions: {
      anyOf: [
        gitopsResourceConditions.isOwningTeamMember({
          teams: ['team-a'],
          namespaces: ['team-a'],
        }),
        gitopsResourceConditions.hasNoOwningTeam({
          teamNamespaces: ['team-a', 'team-b'],
        }),
      ],
    },
  };
}

describe('GET /sync restated per reader', () => {
  it('tells a team member of their own resources only, a platform viewer everything', async () => {
    const manifests = createMockDirectory();
    const root = path.join(manifests.path, 'platform');
    const { server, dir } = await startPortal({
      permission: policy,
      sync: {
        targets: [{ type: 'directory', root }],
        pollInterval: { minutes: 30 },
      },
    });
    const api = request(server);
    await eventually(
      async () =>
        fs.existsSync(path.join(root, 'workspaces/team-a/alice-dev.yaml'))
          ? true
          : undefined,
      'the seeded workspace',
    );

    // a broken file in team-b's folder, on main (written with git: the API refuses it)
    const work = path.join(dir.path, 'work');
    const bare = path.join(dir.path, 'platform.git');
    expect((await git(['clone', '--quiet', bare, work])).code).toBe(0);
    fs.mkdirSync(path.join(work, 'workspaces/team-b'), { recursive: true });
    fs.writeFileSync(
      path.join(work, 'workspaces/team-b/secret-x.yaml'),
      'apiVersion: butler.butlerlabs.dev/v1alpha1\nkind: Workspace\nmetadata: [unclosed\n',
    );
    expect((await git(['add', '-A'], work)).code).toBe(0);
    expect(
      (
        await git(
          [
            '-c',
            'user.name=Tester',
            '-c',
            'user.email=tester@example.com',
            'commit',
            '--quiet',
            '-m',
            'broken',
          ],
          work,
        )
      ).code,
    ).toBe(0);
    const brokenCommit = (await git(['rev-parse', 'HEAD'], work)).stdout;
    expect(
      (await git(['--git-dir', bare, 'fetch', '--quiet', work, 'main:main']))
        .code,
    ).toBe(0);
    await api.post('/api/gitops/sync/platform').set(as(GUEST)).expect(202);

    const item = async (who: string) =>
      (await api.get('/api/gitops/sync').set(as(who)).expect(200)).body
        .items[0];
    const full = await eventually(async () => {
      const i = await item(VERA);
      return i.revision === brokenCommit ? i : undefined;
    }, 'the sync of the broken commit');
    // a platform viewer: as the reconciler wrote it
    expect(full.condition).not.toBe('Ready');
    expect(full.message).toContain('workspaces/team-b/secret-x.yaml');
    expect(full.lastError).toContain('workspaces/team-b/secret-x.yaml');

    // a team member: counts and names of what they read, nothing of team-b
    const own = await item(ALICE);
    expect(own.condition).toBe(full.condition);
    expect(own.reason).toBe(full.reason);
    const synced = own.resources.filter(
      (r: { status: string }) => r.status === 'Synced',
    ).length;
    expect(own.message).toBe(
      `${full.reason}: ${synced} of the ${own.resourceCount} resources you may read here are synced`,
    );
    expect(own.resourceCount).toBeLessThan(full.resourceCount);
    expect(own.lastError).toBe('the last sync of this target failed');
    expect(JSON.stringify(own)).not.toMatch(/team-b|secret-x/);
  });
});
