/*
 * Roles from a real inventory over the test API server. Until Teams (and, for roles, Users) are
 * listed once, the inventory answers [] for them; read as "no Teams" every team's folder would
 * be nobody's and a disabled User enabled, so the source refuses to answer, naming why.
 * Here the cluster refuses a kind (RBAC: 403), then lets the portal read it.
 */
import type { BackstageUserInfo } from '@backstage/backend-plugin-api';
import {
  loadButlerCrds,
  startKubeTestApiServer,
  type KubeTestApiServerHandle,
} from '@butler-portal/kube-test-apiserver';
import { ClusterInventory } from '@butler-portal/plugin-butler-node';
import {
  INVENTORY_CRDS,
  butlerClient,
  team,
  user,
} from '@butler-portal/plugin-butler-node/testUtils';
import { ClusterRoleSource } from './ClusterRoleSource';

jest.setTimeout(60_000);

const info = (name: string): BackstageUserInfo => ({
  userEntityRef: `user:default/${name}`,
  ownershipEntityRefs: [`user:default/${name}`],
});

const forbidden = (what: string) => ({
  code: 403,
  reason: 'Forbidden',
  message: `${what} is forbidden: User "portal" cannot list resource "${what}"`,
});

async function until(what: string, check: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`waited for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

describe('ClusterRoleSource', () => {
  let kube: KubeTestApiServerHandle;
  let inventory: ClusterInventory | undefined;

  beforeEach(async () => {
    kube = await startKubeTestApiServer({
      crds: loadButlerCrds(INVENTORY_CRDS),
    });
    const client = butlerClient(kube.kubeconfig);
    for (const object of [
      team('team-a', {
        namespace: 'ns-a',
        members: [{ email: 'alice@example.com', role: 'admin' }],
      }),
      user('alice', 'alice@example.com'),
      user('mallory', 'mallory@example.com', { disabled: true }),
    ]) {
      await client.create(object);
    }
  });

  afterEach(async () => {
    await inventory?.stop();
    inventory = undefined;
    await kube.stop();
  });

  const start = async () => {
    inventory = new ClusterInventory({
      kubeConfig: kube.kubeconfig,
      backoffMs: 20,
      maxBackoffMs: 50,
      kinds: ['Team', 'User'],
    });
    await inventory.start();
    return { inventory, source: new ClusterRoleSource(inventory) };
  };

  it('names no team and no role while Teams cannot be read, then the real ones', async () => {
    const fault = kube.inject({
      match: { path: /\/teams/ },
      times: 1_000_000,
      respond: forbidden('teams'),
    });
    const { inventory: inv, source } = await start();
    expect(inv.list('Team')).toEqual([]);
    await expect(source.teamNamespaces()).rejects.toThrow(
      /^Team objects are not yet read from the management cluster: the management cluster refused the portal's credentials \(HTTP 403\)/,
    );
    await expect(source.rolesOf(info('alice'))).rejects.toThrow(
      /^Team objects are not yet read/,
    );
    fault.clear();
    await until('Teams', () => inv.synced('Team'));
    expect(await source.teamNamespaces()).toEqual(['ns-a']);
    const alice = await source.rolesOf(info('alice'));
    expect([...alice.teams]).toEqual([['team-a', 'admin']]);
  });

  it('knows no user while Users cannot be read (a disabled one among them), then refuses the disabled one', async () => {
    const fault = kube.inject({
      match: { path: /\/users/ },
      times: 1_000_000,
      respond: forbidden('users'),
    });
    const { inventory: inv, source } = await start();
    await until('Teams', () => inv.synced('Team'));
    // the teams' namespaces do not depend on the Users
    expect(await source.teamNamespaces()).toEqual(['ns-a']);
    await expect(source.rolesOf(info('mallory'))).rejects.toThrow(
      /^User objects are not yet read from the management cluster: the management cluster refused/,
    );
    fault.clear();
    await until('Users', () => inv.synced('User'));
    expect(await source.rolesOf(info('mallory'))).toMatchObject({
      disabled: true,
    });
  });

  it('answers an empty team list once Teams are read and there are none (a real answer)', async () => {
    await butlerClient(kube.kubeconfig).delete('Team', 'team-a');
    const { inventory: inv, source } = await start();
    await until('Teams', () => inv.synced('Team'));
    expect(await source.teamNamespaces()).toEqual([]);
  });
});
