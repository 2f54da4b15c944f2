/*
 * The REST API of the butler plugin, mounted at /api/butler (contract in README.md and
 * @butler-portal/plugin-butler-common). Every route needs a signed-in user; reading live
 * workspaces and starting/stopping them each ask the permission framework on every call, as
 * resource permissions applied to the workspace in hand (access/workspaceAccess).
 */
import type {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  butlerWorkspaceOperatePermission,
  butlerWorkspaceReadPermission,
  type LiveWorkspaceList,
  type WorkspaceDesiredState,
} from '@butler-portal/plugin-butler-common';
import type express from 'express';
import Router from 'express-promise-router';
import type { WorkspaceRuntime } from '../cluster/WorkspaceRuntime';
import { createWorkspaceAccess } from '../access/workspaceAccess';
import type { ButlerInventory } from '@butler-portal/plugin-butler-node';
import { requireDns1123Label } from './names';

export interface RouterOptions {
  runtime: WorkspaceRuntime;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  /** the Teams, for the owning team of a workspace's namespace (permission conditions) */
  inventory?: ButlerInventory;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { runtime, httpAuth, auth, permissions, inventory } = options;
  const router = Router();

  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  // resource permissions: the policy may allow only some workspaces (owner, owning team)
  const access = createWorkspaceAccess({ permissions, auth, inventory });

  router.get('/status', async (req, res) => {
    await user(req);
    res.json(runtime.status());
  });

  router.get('/workspaces', async (req, res) => {
    const credentials = await user(req);
    const { namespace } = req.query;
    if (namespace !== undefined) requireDns1123Label('namespace', namespace);
    // filtered by the policy's conditions before it is sent, never fetched and hidden later
    const body: LiveWorkspaceList = {
      items: await access.filter(
        butlerWorkspaceReadPermission,
        credentials,
        runtime.listWorkspaces(namespace as string | undefined),
      ),
    };
    res.json(body);
  });

  router.get('/workspaces/:namespace/:name', async (req, res) => {
    const credentials = await user(req);
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    const workspace = runtime.getWorkspace(namespace, name);
    // one the caller may not read is "not found": a 403 would confirm that it exists
    await access.require(
      butlerWorkspaceReadPermission,
      credentials,
      workspace,
      {
        hide: true,
      },
    );
    res.json(workspace);
  });

  const operation =
    (desiredState: WorkspaceDesiredState): express.RequestHandler =>
    async (req, res) => {
      const credentials = await user(req);
      const namespace = requireDns1123Label('namespace', req.params.namespace);
      const name = requireDns1123Label('name', req.params.name);
      const workspace = runtime.getWorkspace(namespace, name);
      await access.require(
        butlerWorkspaceReadPermission,
        credentials,
        workspace,
        {
          hide: true,
        },
      );
      await access.require(
        butlerWorkspaceOperatePermission,
        credentials,
        workspace,
      );
      res
        .status(202)
        .json(await runtime.setDesiredState(namespace, name, desiredState));
    };
  router.post('/workspaces/:namespace/:name/start', operation('running'));
  router.post('/workspaces/:namespace/:name/stop', operation('stopped'));

  // unknown operations are a 400 naming the allowed ones, not a silent 404
  router.post('/workspaces/:namespace/:name/:operation', async req => {
    await user(req);
    throw new InputError(
      `unknown operation ${JSON.stringify(
        req.params.operation,
      )} (allowed: start, stop)`,
    );
  });
  return router;
}
