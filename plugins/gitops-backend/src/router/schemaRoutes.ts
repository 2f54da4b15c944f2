/*
 * /schemas/<kind>.json: the JSON Schema of a kind, without sign-in, so that editors
 * (yaml-language-server `$schema=` lines in every resource file) and CI can fetch it.
 */
import { NotFoundError } from '@backstage/errors';
import {
  findKind,
  KIND_SCHEMAS,
  KINDS,
} from '@butler-portal/plugin-gitops-common';
import Router from 'express-promise-router';

export function createSchemaRoutes() {
  const router = Router();
  router.get('/:file', async (req, res) => {
    const match = /^(.+)\.json$/.exec(req.params.file);
    // `workspace`, `workspaces`, `Workspace`, or the full file name `workspace.schema.json`
    const stem = match?.[1].replace(/\.schema$/, '');
    const kind = stem ? findKind(stem) : undefined;
    if (!kind) {
      throw new NotFoundError(
        `no schema ${JSON.stringify(
          req.params.file.slice(0, 80),
        )}; known: ${KINDS.map(k => `${k.kind.toLowerCase()}.json`).join(
          ', ',
        )}`,
      );
    }
    res.setHeader('Cache-Control', 'public, max-age=300');
    res
      .type('application/schema+json')
      .send(JSON.stringify(KIND_SCHEMAS[kind.kind], null, 2));
  });
  return router;
}
