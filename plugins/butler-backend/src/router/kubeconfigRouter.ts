/*
 * GET /clusters/:namespace/:name/kubeconfig: a tenant cluster's kubeconfig as a file download,
 * for the admins and operators of the cluster's team and platform admins
 * (butler.cluster.kubeconfig, decided per cluster). Order: signed-in user, valid names, the
 * policy asked (butler.cluster.read and .kubeconfig together) before the cluster is looked up; a
 * DENY of read is a 403 naming the user and the permission, never the cluster; an unknown cluster
 * and one the read condition excludes are the same 404 as on the cluster routes (so that a probe
 * cannot tell which names exist); permission on a cluster the caller reads (403: e.g. a viewer
 * of its team); then the Secret is read from the management cluster (503 naming the missing
 * field, Secret or key). Every attempt by a signed-in user is an audit event (who, which cluster,
 * when, and whether it was served); the content is never logged, never cached by a browser or
 * proxy (no-store).
 */
import type {
  AuditorService,
  AuthService,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import {
  butlerClusterKubeconfigPermission,
  butlerClusterReadPermission,
} from '@butler-portal/plugin-butler-common';
import {
  deniedMessage,
  type ButlerInventory,
  type TenantKubeconfigReader,
} from '@butler-portal/plugin-butler-node';
import type express from 'express';
import Router from 'express-promise-router';
import {
  clusterNotFound,
  clusterResourceOf,
  createClusterAccess,
} from '../access/clusterAccess';
import { requireDns1123Label } from './names';

export interface KubeconfigRouterOptions {
  inventory: ButlerInventory;
  /** absent when the management cluster is not configured or its kubeconfig cannot be loaded */
  kubeconfigs?: TenantKubeconfigReader;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
}

export async function createKubeconfigRouter(
  options: KubeconfigRouterOptions,
): Promise<express.Router> {
  const { inventory, kubeconfigs, httpAuth, auditor } = options;
  const access = createClusterAccess(options);
  const router = Router();

  router.get('/clusters/:namespace/:name/kubeconfig', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const namespace = requireDns1123Label('namespace', req.params.namespace);
    const name = requireDns1123Label('name', req.params.name);
    for (const kind of ['TenantCluster', 'Team'] as const) {
      if (!inventory.synced(kind)) {
        throw new ServiceUnavailableError(
          inventory.status().kinds[kind]?.reason ??
            inventory.status().reason ??
            `${kind} objects are not yet read from the management cluster`,
        );
      }
    }
    const meta = {
      actor: credentials.principal.userEntityRef,
      cluster: `${namespace}/${name}`,
    };
    const audit = await auditor.createEvent({
      eventId: 'kubeconfig-download',
      severityLevel: 'high',
      request: req,
      meta,
    });
    try {
      const [read, download] = await Promise.all([
        access.decide(butlerClusterReadPermission, credentials),
        access.decide(butlerClusterKubeconfigPermission, credentials),
      ]);
      if (read.denied) {
        throw new NotAllowedError(
          deniedMessage(butlerClusterReadPermission, credentials),
        );
      }
      const cluster = inventory.get('TenantCluster', name, namespace);
      if (!cluster || !read.allows(cluster)) {
        throw clusterNotFound(namespace, name);
      }
      if (!download.allows(cluster)) {
        throw new NotAllowedError(
          `${meta.actor} is not allowed ${butlerClusterKubeconfigPermission.name} on TenantCluster ${namespace}/${name}`,
        );
      }
      const resource = clusterResourceOf(inventory, cluster);
      if (!kubeconfigs) {
        throw new ServiceUnavailableError(
          inventory.status().reason ??
            'the management cluster cannot be reached (butler.managementCluster)',
        );
      }
      const { content, secret } = await kubeconfigs.read(cluster);
      await audit.success({
        meta: { ...meta, team: resource.team ?? null, secret },
      });
      res.set({
        'Content-Type': 'application/yaml; charset=utf-8',
        'Content-Disposition': `attachment; filename="${name}-kubeconfig.yaml"`,
        'Cache-Control': 'no-store',
        Pragma: 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.send(content);
    } catch (error) {
      await audit.fail({ meta, error: error as Error });
      throw error;
    }
  });

  return router;
}
