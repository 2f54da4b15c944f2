/*
 * The reconciler wired into the plugin, end to end over HTTP: a change merged through the API
 * reaches the directory target through the push event, GET /sync reports it at the merge
 * commit, a delete by PR prunes it, and a broken file on the default branch deletes nothing and
 * shows up in /sync.
 */
import fs from 'fs';
import path from 'path';
import { createMockDirectory } from '@backstage/backend-test-utils';
import { eventually } from '@butler-portal/plugin-gitops-common/testUtils';
import request from 'supertest';
import {
  auth,
  CREATE,
  git,
  startPortal,
} from '../__testUtils__/startTestPortal';
import { testDatabaseIds } from '@butler-portal/plugin-gitops-node/testUtils';

jest.setTimeout(120_000);

describe.each(testDatabaseIds())(
  'sync to a directory target on %s',
  databaseId => {
    it('applies merges, prunes deletions and holds back on a broken file', async () => {
      const manifests = createMockDirectory();
      const root = path.join(manifests.path, 'platform');
      const { server, dir } = await startPortal({
        databaseId,
        // a long poll interval: only the push events and POST /sync move the target
        sync: {
          targets: [{ type: 'directory', root }],
          pollInterval: { minutes: 30 },
        },
      });
      const api = request(server);
      const guestDev = path.join(root, 'workspaces/platform/guest-dev.yaml');
      const aliceDev = path.join(root, 'workspaces/team-a/alice-dev.yaml');

      const syncItem = async () => {
        const res = await api.get('/api/gitops/sync').set(auth).expect(200);
        expect(res.body.items).toHaveLength(1);
        return res.body.items[0];
      };
      const mergeChange = async (body: object, number: number) => {
        await api.post('/api/gitops/changes').set(auth).send(body).expect(201);
        const id = encodeURIComponent(`platform:${number}`);
        await api
          .post(`/api/gitops/changes/${id}/reviews`)
          .set(auth)
          .send({ decision: 'approve' })
          .expect(201);
        const merged = await api
          .post(`/api/gitops/changes/${id}/merge`)
          .set(auth)
          .expect(200);
        return merged.body.mergeCommitSha as string;
      };

      // status needs a signed-in user
      await api.get('/api/gitops/sync').expect(401);

      // the first run at startup renders the seeded repository
      await eventually(
        async () => (fs.existsSync(aliceDev) ? true : undefined),
        'the seeded workspace',
      );

      // create → approve → merge: the push event syncs the merge commit
      const createCommit = await mergeChange(CREATE, 1);
      const synced = await eventually(async () => {
        const item = await syncItem();
        return item.revision === createCommit ? item : undefined;
      }, 'the sync of the merge commit');
      expect(synced).toMatchObject({
        repository: 'platform',
        target: 'directory',
        condition: 'Ready',
        revision: createCommit,
      });
      expect(synced.resources).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'Workspace',
            namespace: 'platform',
            name: 'guest-dev',
            status: 'Synced',
            revision: createCommit,
          }),
        ]),
      );
      const rendered = fs.readFileSync(guestDev, 'utf8');
      expect(rendered).toContain('name: guest-dev');
      expect(rendered).toContain(
        'portal.butlerlabs.dev/managed-by: butler-portal',
      );

      // delete by PR → the manifest is pruned
      const deleteCommit = await mergeChange(
        {
          operation: 'delete',
          kind: 'workspaces',
          namespace: 'platform',
          name: 'guest-dev',
        },
        2,
      );
      const afterDelete = await eventually(async () => {
        const item = await syncItem();
        return item.revision === deleteCommit ? item : undefined;
      }, 'the sync of the delete commit');
      expect(afterDelete.condition).toBe('Ready');
      expect(fs.existsSync(guestDev)).toBe(false);
      expect(
        afterDelete.resources.map((r: { name: string }) => r.name),
      ).not.toContain('guest-dev');

      // a commit on main with a broken file that also removes alice-dev (written with git
      // directly: the API refuses invalid files)
      const work = path.join(dir.path, 'work');
      const bare = path.join(dir.path, 'platform.git');
      expect((await git(['clone', '--quiet', bare, work])).code).toBe(0);
      fs.writeFileSync(
        path.join(work, 'workspaces/team-a/broken.yaml'),
        'apiVersion: butler.butlerlabs.dev/v1alpha1\nkind: Workspace\nmetadata: [unclosed\n',
      );
      fs.rmSync(path.join(work, 'workspaces/team-a/alice-dev.yaml'));
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
      // fetched into the bare repository: no hook, no push event, so POST /sync triggers it
      expect(
        (await git(['--git-dir', bare, 'fetch', '--quiet', work, 'main:main']))
          .code,
      ).toBe(0);
      const triggered = await api
        .post('/api/gitops/sync/platform')
        .set(auth)
        .expect(202);
      expect(triggered.body).toEqual({
        repository: 'platform',
        targets: ['directory'],
      });
      const broken = await eventually(async () => {
        const item = await syncItem();
        return item.revision === brokenCommit ? item : undefined;
      }, 'the sync of the broken commit');
      expect(broken.condition).not.toBe('Ready');
      expect(`${broken.reason} ${broken.message}`).toContain(
        'workspaces/team-a/broken.yaml',
      );
      // nothing deleted: alice-dev is still rendered and still owned
      expect(fs.existsSync(aliceDev)).toBe(true);
      expect(
        broken.resources.find((r: { name: string }) => r.name === 'alice-dev'),
      ).toBeDefined();

      // someone edits a rendered file: a sync someone asks for puts Git's content back (self-heal
      // is on by default), and GET /sync says so on the resource
      const certManager = path.join(
        root,
        'tenant-addons/team-a/cert-manager.yaml',
      );
      const asRendered = fs.readFileSync(certManager, 'utf8');
      fs.writeFileSync(certManager, `${asRendered}extra: edited by hand\n`);
      await api.post('/api/gitops/sync/platform').set(auth).expect(202);
      const healed = await eventually(async () => {
        const item = await syncItem();
        const resource = item.resources.find(
          (r: { name: string }) => r.name === 'cert-manager',
        );
        return resource?.reason === 'SelfHealed' ? resource : undefined;
      }, 'cert-manager healed');
      expect(healed).toMatchObject({
        status: 'Synced',
        message: 'restored from Git: changed in the target',
      });
      expect(fs.readFileSync(certManager, 'utf8')).toBe(asRendered);

      await api.post('/api/gitops/sync/nope').set(auth).expect(404);
    });
  },
);
