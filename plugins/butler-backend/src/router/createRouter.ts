/*
 * The REST API of the butler plugin, mounted at /api/butler (contract in README.md and
 * @butler-portal/plugin-butler-common). Every route needs a signed-in user; reading live
 * workspaces and starting/stopping them each ask the permission framework on every call.
 */
import type {
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createAuthorize } from '@butler-portal/plugin-gitops-node';
import {
  butlerWorkspaceOperatePermission,
  butlerWorkspaceReadPermission,
  type LiveWorkspaceList,
  type WorkspaceDesiredState,
} from '@butler-portal/plugin-butler-common';
import type express from 'express';
import Router from 'express-promise-router';
import type { WorkspaceRuntime } from '../cluster/WorkspaceRuntime';
import { requireDns1123Label } from './names';

export interface RouterOptions {
  runtime: WorkspaceRuntime;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { runtime, httpAuth, auth, permissions } = options;
  const router = Router();

  const user = (req: express.Request) =>
    httpAuth.credentials(req, { allow: ['user'] });

  const authorize = createAuthorize({ permissions, auth });

  router.get('/status', async (req, res) => {
    await user(req);
    res.json(runtime.status());
  });

  router.get('/workspaces', async (req, res) => {
    const credentials = await user(req);
    const { namespace } = req.query;
    if (namespace !== undefined) requireDns1123Label('namespace', namespace);
    await authorize(butlerWorkspaceReadPermission, credentials);
    const body: LiveWorkspaceList = {
      items: runtime.listWorkspaces(namespace as string | undefined),
    };
    res.json(body);
  });

  router.get('/workspaces/:namespace/:name', async (req, res) => {
    const credentials = await user(req);
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    await authorize(butlerWorkspaceReadPermission, credentials);
    res.json(runtime.getWorkspace(namespace, name));
  });

  const operation =
    (desiredState: WorkspaceDesiredState): express.RequestHandler =>
    async (req, res) => {
      const credentials = await user(req);
      const namespace = requireDns1123Label('namespace', req.params.namespace);
      const name = requireDns1123Label('name', req.params.name);
      await authorize(butlerWorkspaceOperatePermission, credentials);
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
