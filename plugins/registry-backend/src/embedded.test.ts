/*
 * The embedded default end to end, with the real gitops plugin and local provider: the
 * `platform` and `modules` repositories seeded from repo-layouts, the three examples served,
 * and a new module version published as a change request, approved and merged through the
 * gitops API, then resolved by the Terraform protocol and downloaded with exactly the files of
 * its pinned commit.
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { AddressInfo } from 'net';
import type { Server } from 'http';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  eventsServiceRef,
  type EventParams,
  type EventsServiceSubscribeOptions,
} from '@backstage/plugin-events-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import gitopsPlugin from '@butler-portal/plugin-gitops-backend';
import gitopsModuleLocalProvider from '@butler-portal/plugin-gitops-backend-module-local';
import { resolveRange } from '@butler-portal/plugin-registry-common';
import { readTarGz } from './archive/readTarGz';
import { registryPlugin } from './plugin';

jest.setTimeout(120_000);

const LAYOUTS_DIR = path.resolve(__dirname, '../../../repo-layouts');
const auth = {
  Authorization: mockCredentials.user.header('user:default/guest'),
};

const entities = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest' },
    spec: {
      profile: { displayName: 'Guest', email: 'guest@example.com' },
      memberOf: ['platform-team', 'team-a'],
    },
  },
  ...['platform-team', 'team-a'].map(name => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name },
    spec: { type: 'team', children: [] },
  })),
];

let root: string;
let base: string;
let server: Server;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'keeper-embedded-'));
  const subscribers: EventsServiceSubscribeOptions[] = [];
  const local = (id: string) => ({
    id,
    provider: 'local',
    layout: id,
    dir: path.join(root, `${id}.git`),
    requiredApprovals: 1,
    allowSelfApproval: true,
    ...(id === 'modules' && { kinds: [] }),
  });
  const backend = await startTestBackend({
    features: [
      gitopsPlugin,
      gitopsModuleLocalProvider,
      registryPlugin,
      mockServices.database.factory(),
      catalogServiceMock.factory({ entities }),
      mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      createServiceFactory({
        service: eventsServiceRef,
        deps: {},
        factory: () => ({
          publish: async (params: EventParams) => {
            for (const s of subscribers) {
              if (s.topics.includes(params.topic)) await s.onEvent(params);
            }
          },
          subscribe: async (s: EventsServiceSubscribeOptions) => {
            subscribers.push(s);
          },
        }),
      }),
      mockServices.rootConfig.factory({
        data: {
          gitops: {
            layoutsDir: LAYOUTS_DIR,
            repositories: [local('platform'), local('modules')],
          },
          registry: { allowAnonymousRead: true, headRefreshSeconds: 3600 },
        },
      }),
    ],
  });
  server = backend.server as Server;
  base = `http://localhost:${(server.address() as AddressInfo).port}/api`;
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function json(res: Response) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

describe('the embedded default', () => {
  it('serves the three examples', async () => {
    const list = await json(
      await fetch(`${base}/registry/artifacts`, { headers: auth }),
    );
    expect(
      list.items.map((a: any) => [
        a.name,
        a.versions.map((v: any) => `${v.version} ${v.state}`),
      ]),
    ).toEqual([
      ['opa-baseline', ['1.0.0 merged']],
      ['terraform-aws-vpc', ['1.4.0 merged']],
      ['web-app', ['0.1.0 merged']],
    ]);
    const versions = await fetch(
      `${base}/registry/terraform/v1/modules/team-a/vpc/aws/versions`,
    );
    expect(await json(versions)).toEqual({
      modules: [{ versions: [{ version: '1.4.0' }] }],
    });
    const index = await (
      await fetch(`${base}/registry/helm/team-a/index.yaml`)
    ).text();
    expect(index).toMatch(/web-app:\n\s+- apiVersion: v2/);
    const bundle = await fetch(
      `${base}/registry/opa/bundles/team-a/opa-baseline`,
    );
    expect(bundle.status).toBe(200);
    const again = await fetch(
      `${base}/registry/opa/bundles/team-a/opa-baseline`,
      {
        headers: { 'If-None-Match': bundle.headers.get('etag')! },
      },
    );
    expect(again.status).toBe(304);
  });

  it('publishes 1.5.0 through a reviewed and merged change, which ~> 1.5 then resolves to', async () => {
    const modulesHead = execFileSync('git', [
      '--git-dir',
      path.join(root, 'modules.git'),
      'rev-parse',
      'main',
    ])
      .toString()
      .trim();
    const resource = {
      apiVersion: 'keeper.butlerlabs.dev/v1alpha1',
      kind: 'ArtifactVersion',
      metadata: { name: 'terraform-aws-vpc-1.5.0', namespace: 'team-a' },
      spec: {
        artifact: 'terraform-aws-vpc',
        version: '1.5.0',
        source: {
          git: {
            repository: 'modules',
            url: 'http://localhost:7007/api/gitops/git/modules.git',
            ref: 'main',
            commit: modulesHead,
            subdirectory: 'terraform/aws-vpc',
          },
        },
        changelog: '- Tags every subnet.\n',
      },
    };
    const headers = { ...auth, 'Content-Type': 'application/json' };
    const opened = await fetch(`${base}/gitops/changes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        operation: 'create',
        kind: 'artifactversions',
        namespace: 'team-a',
        name: 'terraform-aws-vpc-1.5.0',
        resource,
        repository: 'platform',
      }),
    });
    expect(opened.status).toBe(201);
    const id = encodeURIComponent((await json(opened)).id);

    // under review: the Registry shows it as open, clients do not see it
    const during = await json(
      await fetch(`${base}/registry/artifacts/team-a/terraform-aws-vpc`, {
        headers: auth,
      }),
    );
    expect(
      during.artifact.versions.map((v: any) => `${v.version} ${v.state}`),
    ).toEqual(['1.5.0 open', '1.4.0 merged']);
    const early = await fetch(
      `${base}/registry/terraform/v1/modules/team-a/vpc/aws/1.5.0/download`,
    );
    expect(early.status).toBe(404);

    const review = await fetch(`${base}/gitops/changes/${id}/reviews`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ decision: 'approve' }),
    });
    expect(review.status).toBe(201);
    const merge = await fetch(`${base}/gitops/changes/${id}/merge`, {
      method: 'POST',
      headers: auth,
    });
    expect(merge.status).toBe(200);

    const versions = await json(
      await fetch(
        `${base}/registry/terraform/v1/modules/team-a/vpc/aws/versions`,
      ),
    );
    expect(versions).toEqual({
      modules: [{ versions: [{ version: '1.5.0' }, { version: '1.4.0' }] }],
    });
    // what `version = "~> 1.5"` (>= 1.5.0, < 2.0.0) picks from that list
    expect(
      resolveRange(
        '>=1.5.0 <2.0.0',
        versions.modules[0].versions.map((v: { version: string }) => v.version),
      ),
    ).toBe('1.5.0');
    const download = await fetch(
      `${base}/registry/terraform/v1/modules/team-a/vpc/aws/1.5.0/download`,
    );
    expect(download.status).toBe(204);
    const archive = await fetch(download.headers.get('x-terraform-get')!);
    const files = await readTarGz(Buffer.from(await archive.arrayBuffer()));
    const layoutDir = path.join(LAYOUTS_DIR, 'modules', 'terraform', 'aws-vpc');
    expect(files.map(f => f.path)).toEqual(fs.readdirSync(layoutDir).sort());
    for (const f of files) {
      expect(f.content.toString()).toBe(
        fs.readFileSync(path.join(layoutDir, f.path), 'utf8'),
      );
    }
  });
});
