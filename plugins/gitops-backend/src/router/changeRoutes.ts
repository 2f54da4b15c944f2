/*
 * /changes: open change requests (portal writes and pushed branches), read them with their
 * diff and validation, review, merge and close them.
 */
import {
  gitopsChangeClosePermission,
  gitopsChangeCreatePermission,
  gitopsChangeMergePermission,
  gitopsChangeReviewPermission,
  matchesGitopsResource,
  type ChangeDetail,
  type GitopsResourceOwnership,
} from '@butler-portal/plugin-gitops-common';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import { readAccessOf } from '../access/readAccess';
import {
  changeOwnership,
  describeOwnership,
  submissionOwnership,
} from './changeOwnership';
import type { RouterContext } from './RouterContext';
import {
  changeListQuerySchema,
  changeSubmissionSchema,
  fromBranchSchema,
  parseRequest,
  reviewSchema,
} from './requestSchemas';

export function createChangeRoutes(context: RouterContext) {
  const { changes, resources } = context.options;
  const router = Router();

  // decided by the user's role in the team owning each file the change touches
  const onFiles = (
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    files: GitopsResourceOwnership[],
  ) =>
    context.resourceAuthorizer.authorizeResources(
      permission,
      credentials,
      files,
      matchesGitopsResource,
      describeOwnership,
    );
  // a change the caller may not read is 404, as a missing one, before anything is said of it
  const readable = async (
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ): Promise<ChangeDetail> => {
    const access = await readAccessOf(context, credentials, { changes: true });
    const change = await changes.getChange(id);
    if (!access.change(change)) {
      throw new NotFoundError(`change ${id} not found`);
    }
    return change;
  };
  const onChange = async (
    permission: ResourcePermission,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    id: string,
  ) => {
    const change = await readable(credentials, id);
    await context.authorize(permission, credentials, { anyResource: true });
    await onFiles(permission, credentials, changeOwnership(change));
  };

  router.post('/', async (req, res) => {
    const credentials = await context.user(req);
    // refused outright (no team where the role suffices) before the body is looked at
    await context.authorize(gitopsChangeCreatePermission, credentials, {
      anyResource: true,
    });
    const body = parseRequest(changeSubmissionSchema, req.body, 'body');
    await onFiles(
      gitopsChangeCreatePermission,
      credentials,
      await submissionOwnership(body, resources),
    );
    const author = await context.author(credentials, req);
    const { created, ...submitted } = await changes.submit(body, author, {
      idempotencyKey: req.header('idempotency-key'),
    });
    res.status(created ? 201 : 200).json(submitted);
  });

  router.post('/from-branch', async (req, res) => {
    const credentials = await context.user(req);
    // the branch's files are judged when the change is reviewed and merged
    await context.authorize(gitopsChangeCreatePermission, credentials, {
      anyResource: true,
    });
    const body = parseRequest(fromBranchSchema, req.body, 'body');
    const summary = await changes.openFromBranch(
      body,
      await context.author(credentials, req),
    );
    res.status(201).json(summary);
  });

  // the changes whose every file the caller may read, filtered before paging
  router.get('/', async (req, res) => {
    const credentials = await context.user(req);
    const access = await readAccessOf(context, credentials, { changes: true });
    const filter = parseRequest(changeListQuerySchema, req.query, 'query');
    res.json(
      await changes.listChangePage(
        filter,
        access.everything
          ? {}
          : { visible: await access.changeListing(filter) },
      ),
    );
  });

  // one the caller may not read is 404, as a missing one (its content is not sent)
  router.get('/:id', async (req, res) => {
    const credentials = await context.user(req);
    res.json(await readable(credentials, req.params.id));
  });

  router.post('/:id/reviews', async (req, res) => {
    const credentials = await context.user(req);
    await onChange(gitopsChangeReviewPermission, credentials, req.params.id);
    const body = parseRequest(reviewSchema, req.body, 'body');
    const { actor } = await context.author(credentials, req);
    res.status(201).json(await changes.review(req.params.id, body, actor));
  });

  router.post('/:id/merge', async (req, res) => {
    const credentials = await context.user(req);
    await onChange(gitopsChangeMergePermission, credentials, req.params.id);
    const { actor } = await context.author(credentials, req);
    res.json(await changes.merge(req.params.id, actor));
  });

  router.post('/:id/close', async (req, res) => {
    const credentials = await context.user(req);
    await onChange(gitopsChangeClosePermission, credentials, req.params.id);
    const { actor } = await context.author(credentials, req);
    res.json(await changes.close(req.params.id, actor));
  });

  return router;
}
