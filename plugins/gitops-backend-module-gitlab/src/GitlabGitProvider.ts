/*
 * GitProvider on GitLab's REST API v4 through @gitbeaker/rest.
 *
 * A change request is one commit made with the Commits API (every file action in it, the
 * signed-in user as author) on a new branch, plus a merge request. Writes use the user's own
 * token when the frontend supplied one (Actor.scmToken), otherwise the integration token; a
 * write made as the integration names the requester in what GitLab shows.
 *
 * Review mapping (GitLab has no "request changes" call on every tier):
 *   approve          -> POST /merge_requests/:iid/approve (needs the user's own token: GitLab
 *                       counts approvals per GitLab user, so the bot never approves for someone)
 *   request_changes  -> a note starting with "**Changes requested**", and the user's approval,
 *                       if any, is withdrawn (POST /unapprove)
 *   comment          -> a note
 * Reading back: approvals from `approved_by`, notes (the marker makes `request_changes`), and
 * GitLab 17's reviewer state `requested_changes` where the instance reports it.
 */
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  isSha,
  validateRepoPath,
  validateShortRef,
} from '@butler-portal/plugin-gitops-node';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  Actor,
  ChangedFile,
  ChangedPath,
  ChangeFilter,
  ChangeRequest,
  CommitCheck,
  FileBytes,
  FileContent,
  GitProvider,
  OpenChangeFromBranchInput,
  OpenChangeInput,
  Review,
  ReviewInput,
  TreeEntry,
} from '@butler-portal/plugin-gitops-node';
import {
  createGitlabClient,
  type GitlabClient,
  type GitlabTokenProvider,
} from './gitlabClient';
import { isGitlabAnswer, isGitlabStatus, toPortalError } from './gitlabErrors';
import {
  createGitlabRequesterFn,
  defaultSleep,
  type GitlabRetryOptions,
} from './gitlabRequester';
import {
  approvalStateOf,
  CHANGES_REQUESTED_MARKER,
  changedPathsOf,
  changeStateOf,
  checksOf,
  describeActor,
  gitlabMergeability,
  gitlabStateOf,
  readRequesterMarker,
  requesterMarker,
  reviewsOf,
  type GitlabApprovals,
  type GitlabCommitStatus,
  type GitlabDiff,
  type GitlabMergeRequest,
  type GitlabNote,
  type GitlabReviewer,
  type GitlabUser,
} from './mergeRequestMapping';
import {
  DEFAULT_MAX_FILE_BYTES,
  validateOpenChangeFromBranchInput,
  validateOpenChangeInput,
} from '@butler-portal/plugin-gitops-node';
import { mapLimited } from '@butler-portal/plugin-gitops-node';

export interface GitlabGitProviderOptions {
  /** the configured repository id (app-config `gitops.repositories[].id`) */
  repository: string;
  /** `group/subgroup/project`; needed for file URLs unless GitLab is asked first */
  projectPath?: string;
  /** numeric project id; used for API calls when given (survives renames) */
  projectId?: number;
  /** web base URL of the instance, e.g. `https://gitlab.example.com`; the API is `/api/v4` */
  baseUrl: string;
  /** target branch of change requests; asked from GitLab when omitted */
  defaultBranch?: string;
  /**
   * approvals the portal requires where GitLab does not report its own rule (Free tier);
   * default 1. On Premium, GitLab's `approvals_required` applies.
   */
  requiredApprovals?: number;
  /** the integration's token; tests inject a static one */
  integrationToken: GitlabTokenProvider;
  logger?: LoggerService;
  sleep?: (ms: number) => Promise<void>;
  retry?: Pick<
    GitlabRetryOptions,
    'maxRetries' | 'maxDelayMs' | 'baseDelayMs' | 'now'
  >;
  /** largest file content accepted in a change; default 1 MiB */
  maxFileBytes?: number;
}

const GITLAB_STATE = {
  open: 'opened',
  merged: 'merged',
  closed: 'closed',
} as const;

/** How many GitLab calls one list runs at once, so a long list does not trip rate limits. */
const CONCURRENCY = 4;
const PER_PAGE = 100;

function parseIid(id: string): number {
  if (!/^[1-9]\d{0,9}$/.test(String(id))) {
    throw new InputError(
      `change id ${JSON.stringify(id)}: must be a merge request number`,
    );
  }
  return Number(id);
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

export class GitlabGitProvider implements GitProvider {
  readonly repository: string;
  readonly type = 'gitlab' as const;

  private readonly project: string | number;
  private readonly host: string;
  private readonly requiredApprovals: number;
  private readonly maxFileBytes: number;
  private readonly logger?: LoggerService;
  private readonly requesterFn: ReturnType<typeof createGitlabRequesterFn>;
  private readonly bot: GitlabClient;
  private projectInfo?: Promise<{ defaultBranch: string; webUrl: string }>;
  private knownDefaultBranch?: string;
  private knownWebUrl?: string;
  private botUser?: Promise<GitlabUser | undefined>;

  constructor(options: GitlabGitProviderOptions) {
    if (options.projectId === undefined && !options.projectPath) {
      throw new InputError(
        `GitLab repository ${options.repository}: projectPath or projectId is required`,
      );
    }
    let url: URL;
    try {
      url = new URL(options.baseUrl);
    } catch {
      throw new InputError(
        `GitLab repository ${options.repository}: baseUrl ${JSON.stringify(
          options.baseUrl,
        )} is not a URL`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new InputError(
        `GitLab repository ${options.repository}: baseUrl must be http(s)`,
      );
    }
    this.repository = options.repository;
    this.project =
      options.projectId ?? options.projectPath!.replace(/^\/|\/$/g, '');
    this.host = options.baseUrl.replace(/\/+$/, '');
    this.requiredApprovals = options.requiredApprovals ?? 1;
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    this.logger = options.logger;
    this.knownDefaultBranch = options.defaultBranch;
    if (options.projectPath) {
      this.knownWebUrl = `${this.host}/${options.projectPath.replace(
        /^\/|\/$/g,
        '',
      )}`;
    }
    this.requesterFn = createGitlabRequesterFn({
      ...options.retry,
      sleep: options.sleep ?? defaultSleep,
      logger: options.logger,
    });
    this.bot = createGitlabClient({
      host: this.host,
      token: options.integrationToken,
      requesterFn: this.requesterFn,
    });
  }

  // ---- repository reads -------------------------------------------------------------------

  async defaultBranch(): Promise<string> {
    if (this.knownDefaultBranch) return this.knownDefaultBranch;
    return (await this.loadProject()).defaultBranch;
  }

  async head(branch?: string): Promise<string> {
    const name = branch ?? (await this.defaultBranch());
    try {
      const found = (await this.bot.branches.show(
        this.project,
        name,
      )) as unknown as {
        commit: { id: string };
      };
      return found.commit.id;
    } catch (error) {
      if (isGitlabStatus(error, 404)) {
        throw new NotFoundError(
          `branch ${JSON.stringify(name)} does not exist in repository ${
            this.repository
          }`,
        );
      }
      throw toPortalError(error, `reading branch ${name}`);
    }
  }

  async resolveRef(ref: string): Promise<string> {
    validateShortRef(ref);
    const absent = (error: unknown) => {
      if (isGitlabStatus(error, 404)) return undefined;
      throw toPortalError(error, `resolving ref ${ref}`);
    };
    if (isSha(ref)) {
      const found = await this.bot.commits
        .show(this.project, ref)
        .then(c => (c as unknown as { id: string }).id, absent);
      if (found !== ref) {
        throw new NotFoundError(
          `commit ${ref} not found in repository ${this.repository}`,
        );
      }
      return found;
    }
    // GitLab's tags API answers the commit an annotated tag points at (already peeled)
    const [branch, tag] = await Promise.all([
      this.bot.branches
        .show(this.project, ref)
        .then(b => (b as unknown as { commit: { id: string } }).commit.id, absent),
      this.bot.tags
        .show(this.project, ref)
        .then(t => (t as unknown as { commit: { id: string } }).commit.id, absent),
    ]);
    if (branch && tag && branch !== tag) {
      throw new InputError(
        `ref '${ref}' is ambiguous in repository ${this.repository}: branch ${ref} is at ${branch}, tag ${ref} at ${tag}; give the commit SHA`,
      );
    }
    const commit = branch ?? tag;
    if (!commit) {
      throw new NotFoundError(
        `no branch or tag '${ref}' in repository ${this.repository}`,
      );
    }
    return commit;
  }

  async readFile(path: string, ref?: string): Promise<FileContent | undefined> {
    const file = await this.readFileBytes(path, ref);
    return file && { ...file, content: file.content.toString('utf8') };
  }

  /** the files API sends base64, so binary content arrives intact */
  async readFileBytes(
    path: string,
    ref?: string,
  ): Promise<(FileBytes & { content: Buffer }) | undefined> {
    validateRepoPath(path, 'path');
    const revision = ref ?? (await this.defaultBranch());
    try {
      const file = (await this.bot.files.show(
        this.project,
        path,
        revision,
      )) as unknown as { content: string; encoding: string; blob_id: string };
      const content = Buffer.from(
        file.content,
        file.encoding === 'base64' ? 'base64' : 'utf8',
      );
      return { path, content, sha: file.blob_id };
    } catch (error) {
      // GitLab says "404 File Not Found" for a missing file, "404 Commit Not Found" for a bad ref.
      if (isGitlabAnswer(error, 404, /file not found/i)) {
        return undefined;
      }
      throw toPortalError(error, `reading ${path} at ${revision}`);
    }
  }

  async listTree(ref?: string, prefix?: string): Promise<TreeEntry[]> {
    const path = prefix?.replace(/^\/+|\/+$/g, '') || undefined;
    if (path) validateRepoPath(path, 'prefix');
    const revision = ref ?? (await this.defaultBranch());
    try {
      const entries = (await this.bot.repositories.allRepositoryTrees(
        this.project,
        {
          ref: revision,
          path,
          recursive: true,
          pagination: 'keyset',
          perPage: PER_PAGE,
        },
      )) as unknown as Array<{ id: string; path: string; type: string }>;
      return entries
        .filter(entry => entry.type === 'blob')
        .map(entry => ({ path: entry.path, sha: entry.id }));
    } catch (error) {
      // A folder that does not exist (yet) holds no files.
      if (isGitlabAnswer(error, 404, /tree not found/i)) {
        return [];
      }
      throw toPortalError(
        error,
        `listing ${path ?? 'the tree'} at ${revision}`,
      );
    }
  }

  async changedPaths(
    fromCommit: string,
    toCommit: string,
  ): Promise<ChangedPath[]> {
    const compared = (await this.withErrors(
      `comparing ${fromCommit}..${toCommit}`,
      () =>
        this.bot.repositories.compare(this.project, fromCommit, toCommit, {
          straight: true,
        }),
    )) as unknown as { diffs: GitlabDiff[]; compare_timeout?: boolean };
    if (compared.compare_timeout) {
      // A partial list would make the reconciler miss changes; let it fall back to a full read.
      throw new ServiceUnavailableError(
        `GitLab timed out comparing ${fromCommit}..${toCommit}; the list of changed paths is incomplete`,
      );
    }
    return changedPathsOf(compared.diffs ?? []);
  }

  fileUrl(path: string, mode: 'view' | 'edit'): string | undefined {
    if (!this.knownWebUrl) return undefined;
    const branch = this.knownDefaultBranch ?? 'HEAD';
    return `${this.knownWebUrl}/-/${
      mode === 'edit' ? 'edit' : 'blob'
    }/${encodePath(branch)}/${encodePath(path)}`;
  }

  // ---- change requests --------------------------------------------------------------------

  async openChange(input: OpenChangeInput): Promise<ChangeRequest> {
    validateOpenChangeInput(input, this.maxFileBytes);
    const targetBranch = await this.defaultBranch();
    const { client, asBot } = this.clientFor(input.actor);

    // One commit, created together with its branch: GitLab creates neither if any action fails.
    const commit = (await this.withErrors(
      // GitLab's "A file with this name already exists" does not say which file
      `the commit (${input.operations
        .map(operation => `${operation.action} ${operation.path}`)
        .join(', ')}) on branch ${input.branch}`,
      () =>
        client.commits.create(
          this.project,
          input.branch,
          input.message ?? input.title,
          input.operations.map(operation =>
            operation.action === 'delete'
              ? { action: 'delete' as const, filePath: operation.path }
              : {
                  action: operation.action,
                  filePath: operation.path,
                  content: operation.content,
                  encoding: 'text',
                },
          ),
          {
            ...(input.baseCommit
              ? { startSha: input.baseCommit }
              : { startBranch: targetBranch }),
            authorName: input.actor.name,
            authorEmail: input.actor.email,
          },
        ),
      // "A branch called x already exists", "A file with this name already exists", ...
      { 400: ConflictError },
    )) as unknown as { id: string };

    let mr: GitlabMergeRequest;
    try {
      mr = (await client.mergeRequests.create(
        this.project,
        input.branch,
        targetBranch,
        input.title,
        {
          description: this.describeChange(input, commit.id, asBot),
          removeSourceBranch: true,
        },
      )) as unknown as GitlabMergeRequest;
    } catch (error) {
      // All or nothing: without its merge request the branch is litter.
      await this.deleteBranch(client, input.branch);
      throw toPortalError(
        error,
        `opening the merge request for ${input.branch}`,
      );
    }
    return this.assemble(mr);
  }

  async openChangeFromBranch(
    input: OpenChangeFromBranchInput,
  ): Promise<ChangeRequest> {
    validateOpenChangeFromBranchInput(input);
    await this.head(input.branch); // NotFoundError names the branch
    const targetBranch = await this.defaultBranch();
    const { client, asBot } = this.clientFor(input.actor);
    const description = asBot
      ? `${input.description}\n\n${this.requesterLine(input.actor)}`
      : input.description;
    const mr = (await this.withErrors(
      `opening the merge request for ${input.branch}`,
      () =>
        client.mergeRequests.create(
          this.project,
          input.branch,
          targetBranch,
          input.title,
          { description, removeSourceBranch: true },
        ),
    )) as unknown as GitlabMergeRequest;
    return this.assemble(mr);
  }

  async listChanges(filter?: ChangeFilter): Promise<ChangeRequest[]> {
    // no state: GitLab lists every state
    const state = filter?.state ? GITLAB_STATE[filter.state] : undefined;
    const listed = (await this.withErrors('listing merge requests', () =>
      this.bot.mergeRequests.all({
        projectId: this.project,
        state,
        orderBy: 'updated_at',
        sort: 'desc',
        perPage: PER_PAGE,
      }),
    )) as unknown as GitlabMergeRequest[];
    return mapLimited(listed, CONCURRENCY, async summary =>
      // The list omits diff_refs and may carry a stale merge status: read each one.
      this.assemble(await this.showMergeRequest(summary.iid)),
    );
  }

  async getChange(id: string): Promise<ChangeRequest | undefined> {
    const iid = parseIid(id);
    try {
      return await this.assemble(await this.showMergeRequest(iid));
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  async getChangeFiles(id: string): Promise<ChangedFile[]> {
    const mr = await this.showMergeRequest(parseIid(id));
    const paths = changedPathsOf(await this.mergeRequestDiffs(mr.iid));
    const base = mr.diff_refs?.base_sha ?? mr.target_branch;
    return mapLimited(paths, CONCURRENCY, async changed => {
      const [before, after] = await Promise.all([
        changed.status === 'added'
          ? undefined
          : this.readFile(changed.path, base),
        changed.status === 'deleted'
          ? undefined
          : this.readFile(changed.path, mr.sha),
      ]);
      return { ...changed, before: before?.content, after: after?.content };
    });
  }

  async review(id: string, input: ReviewInput): Promise<Review> {
    const iid = parseIid(id);
    const mr = await this.showMergeRequest(iid);
    if (mr.state !== 'opened') {
      throw new ConflictError(
        `merge request !${iid} is ${mr.state}; it can no longer be reviewed`,
      );
    }
    const { client, asBot } = this.clientFor(input.actor);
    const comment = input.comment?.trim() || undefined;

    if (input.decision === 'approve') {
      if (asBot) {
        throw new NotAllowedError(
          'GitLab counts approvals per GitLab user: sign in with GitLab so the portal can approve as you',
        );
      }
      const me = (await this.withErrors(
        'reading the signed-in GitLab user',
        () => client.users.showCurrentUser(),
      )) as unknown as GitlabUser;
      // `sha` makes GitLab refuse (409) if the branch moved since the reviewer looked at it.
      await this.withErrors(`approving merge request !${iid}`, () =>
        client.approvals.approve(this.project, iid, { sha: mr.sha }),
      );
      if (comment) await this.postNote(client, iid, comment);
      return {
        id: `approval-${me.id}`,
        author: me.username,
        decision: 'approve',
        comment,
        commitSha: mr.sha,
        submittedAt: new Date().toISOString(),
      };
    }

    if (input.decision === 'comment' && !comment) {
      throw new InputError('comment: a comment review needs text');
    }
    if (input.decision !== 'comment' && input.decision !== 'request_changes') {
      throw new InputError(
        `decision ${JSON.stringify(
          input.decision,
        )}: must be approve, request_changes or comment`,
      );
    }
    const requestsChanges = input.decision === 'request_changes';
    let heading: string | undefined;
    if (requestsChanges) {
      heading = asBot
        ? `${CHANGES_REQUESTED_MARKER} by ${describeActor(
            input.actor,
          )} through Butler Portal`
        : CHANGES_REQUESTED_MARKER;
    } else if (asBot) {
      heading = `Comment from ${describeActor(
        input.actor,
      )} through Butler Portal:`;
    }
    const body = [
      heading,
      comment,
      asBot ? requesterMarker(input.actor) : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');
    const note = await this.postNote(client, iid, body);

    if (requestsChanges && !asBot) {
      // Requesting changes withdraws this reviewer's own approval, as on GitHub.
      const approvals = await this.approvals(iid, client);
      if (
        approvals?.approved_by?.some(
          a => a.user.username === note.author.username,
        )
      ) {
        await this.withErrors(`withdrawing the approval of !${iid}`, () =>
          client.approvals.unapprove(this.project, iid),
        );
      }
    }
    return {
      id: `note-${note.id}`,
      author: asBot ? input.actor.userRef : note.author.username,
      decision: input.decision,
      comment,
      commitSha: mr.sha,
      submittedAt: note.created_at,
    };
  }

  async merge(id: string, actor: Actor): Promise<ChangeRequest> {
    const iid = parseIid(id);
    const change = await this.assemble(await this.showMergeRequest(iid));
    if (change.state !== 'open') {
      throw new ConflictError(
        `merge request !${iid} is already ${change.state}`,
      );
    }
    if (change.mergeable === false) {
      throw new ConflictError(
        `merge request !${iid} cannot be merged: ${
          change.mergeableReason ?? 'GitLab refuses'
        }`,
      );
    }
    const { client, asBot } = this.clientFor(actor);
    const merged = (await this.withErrors(
      `merging merge request !${iid}`,
      () =>
        client.mergeRequests.accept(this.project, iid, {
          // merge exactly the head that was reviewed; GitLab answers 409 if it moved
          sha: change.headSha,
          shouldRemoveSourceBranch: true,
          ...(asBot
            ? {
                mergeCommitMessage: `Merge branch '${
                  change.sourceBranch
                }' into '${change.targetBranch}'\n\n${
                  change.title
                }\n\nMerged by ${describeActor(
                  actor,
                )} through Butler Portal\n\nSee merge request !${iid}`,
              }
            : {}),
        }),
      // 405: not mergeable in its current state (draft, pipeline, approvals, conflicts on
      // newer GitLab); 406: conflicts; 409: head moved; 422: GitLab failed to merge.
      // All are states of the change, not permissions (401/403 stay NotAllowedError).
      {
        405: ConflictError,
        406: ConflictError,
        409: ConflictError,
        422: ConflictError,
      },
    )) as unknown as GitlabMergeRequest;
    return this.assemble(merged);
  }

  async close(id: string, actor: Actor): Promise<ChangeRequest> {
    const iid = parseIid(id);
    const mr = await this.showMergeRequest(iid);
    if (mr.state === 'merged') {
      throw new ConflictError(`merge request !${iid} is already merged`);
    }
    if (mr.state !== 'opened') return this.assemble(mr);
    const { client, asBot } = this.clientFor(actor);
    if (asBot) {
      await this.postNote(
        client,
        iid,
        `Closed by ${describeActor(
          actor,
        )} through Butler Portal\n\n${requesterMarker(actor)}`,
      );
    }
    const closed = (await this.withErrors(`closing merge request !${iid}`, () =>
      client.mergeRequests.edit(this.project, iid, { stateEvent: 'close' }),
    )) as unknown as GitlabMergeRequest;
    return this.assemble(closed);
  }

  async setCommitStatus(sha: string, check: CommitCheck): Promise<void> {
    if (!/^[0-9a-f]{7,64}$/i.test(sha)) {
      throw new InputError(`sha ${JSON.stringify(sha)}: must be a commit id`);
    }
    if (!check.context?.trim())
      throw new InputError('context: must not be empty');
    try {
      await this.bot.commits.editStatus(
        this.project,
        sha,
        gitlabStateOf(check.state),
        {
          name: check.context,
          description: check.description?.slice(0, 255),
          targetUrl: check.targetUrl,
        },
      );
    } catch (error) {
      // GitLab refuses to re-enter the state a status is already in; that is what we wanted.
      if (isGitlabAnswer(error, 400, /cannot transition status/i)) {
        return;
      }
      throw toPortalError(error, `setting status ${check.context} on ${sha}`);
    }
  }

  // ---- internals --------------------------------------------------------------------------

  private clientFor(actor: Actor): { client: GitlabClient; asBot: boolean } {
    if (actor.scmToken) {
      return {
        client: createGitlabClient({
          host: this.host,
          token: actor.scmToken,
          requesterFn: this.requesterFn,
        }),
        asBot: false,
      };
    }
    return { client: this.bot, asBot: true };
  }

  private async withErrors<T>(
    what: string,
    call: () => Promise<T>,
    overrides?: Parameters<typeof toPortalError>[2],
  ): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw toPortalError(error, what, overrides);
    }
  }

  private loadProject() {
    if (!this.projectInfo) {
      this.projectInfo = this.withErrors(
        `reading project ${this.project}`,
        () => this.bot.projects.show(this.project),
      ).then(
        raw => {
          const project = raw as unknown as {
            default_branch: string;
            web_url: string;
          };
          this.knownDefaultBranch ??= project.default_branch;
          this.knownWebUrl ??= project.web_url;
          return {
            defaultBranch: project.default_branch,
            webUrl: project.web_url,
          };
        },
        error => {
          this.projectInfo = undefined; // try again next time
          throw error;
        },
      );
    }
    return this.projectInfo;
  }

  /** The integration's own account: notes and merge requests it wrote carry a requester. */
  private botAccount(): Promise<GitlabUser | undefined> {
    if (!this.botUser) {
      this.botUser = (
        this.bot.users.showCurrentUser() as Promise<unknown>
      ).then(
        user => user as GitlabUser,
        error => {
          this.logger?.warn(
            `GitLab: could not read the integration's user: ${error}`,
          );
          this.botUser = undefined;
          return undefined;
        },
      );
    }
    return this.botUser;
  }

  private async showMergeRequest(iid: number): Promise<GitlabMergeRequest> {
    return (await this.withErrors(`reading merge request !${iid}`, () =>
      this.bot.mergeRequests.show(this.project, iid),
    )) as unknown as GitlabMergeRequest;
  }

  private async mergeRequestDiffs(iid: number): Promise<GitlabDiff[]> {
    return (await this.withErrors(`reading the diff of !${iid}`, () =>
      this.bot.mergeRequests.allDiffs(this.project, iid, { perPage: PER_PAGE }),
    )) as unknown as GitlabDiff[];
  }

  /** Free tier answers the basic shape; some instances refuse the endpoint (403/404). */
  private async approvals(
    iid: number,
    client: GitlabClient = this.bot,
  ): Promise<GitlabApprovals | undefined> {
    try {
      return (await client.approvals.showConfiguration(this.project, {
        mergerequestIId: iid,
      })) as unknown as GitlabApprovals;
    } catch (error) {
      if (isGitlabStatus(error, 403, 404)) {
        this.logger?.debug(
          `GitLab approvals of !${iid} unavailable (${
            (error as Error).message
          }); using requiredApprovals`,
        );
        return undefined;
      }
      throw toPortalError(error, `reading approvals of !${iid}`);
    }
  }

  private async reviewers(iid: number): Promise<GitlabReviewer[]> {
    try {
      return (await this.bot.mergeRequests.showReviewers(
        this.project,
        iid,
      )) as unknown as GitlabReviewer[];
    } catch (error) {
      // GitLab before 15.x has no reviewers endpoint; reviewer states are optional here.
      if (isGitlabStatus(error, 403, 404)) return [];
      throw toPortalError(error, `reading reviewers of !${iid}`);
    }
  }

  private async assemble(mr: GitlabMergeRequest): Promise<ChangeRequest> {
    const [approvals, notes, reviewers, statuses, diffs, bot] =
      await Promise.all([
        this.approvals(mr.iid),
        this.withErrors(`reading notes of !${mr.iid}`, () =>
          this.bot.notes.all(this.project, mr.iid, {
            sort: 'asc',
            orderBy: 'created_at',
            perPage: PER_PAGE,
          }),
        ) as unknown as Promise<GitlabNote[]>,
        this.reviewers(mr.iid),
        this.withErrors(`reading statuses of ${mr.sha}`, () =>
          this.bot.commits.allStatuses(this.project, mr.sha),
        ) as unknown as Promise<GitlabCommitStatus[]>,
        this.mergeRequestDiffs(mr.iid),
        this.botAccount(),
      ]);

    const state = changeStateOf(mr);
    const approval = approvalStateOf(approvals, this.requiredApprovals);
    const checks = checksOf(statuses);
    let { mergeable, reason } = gitlabMergeability(mr);
    if (state === 'merged') reason = 'merged';
    if (state === 'open' && mergeable !== false) {
      // GitLab Free does not enforce approvals; the portal does, with the same rule it shows.
      if (!approval.approved) {
        mergeable = false;
        reason = 'not_approved';
      } else if (
        checks.some(c => c.state === 'failure' || c.state === 'error')
      ) {
        mergeable = false;
        reason = 'checks_failed';
      } else if (checks.some(c => c.state === 'pending')) {
        mergeable = false;
        reason = 'checks_pending';
      }
    }

    const requester =
      bot && mr.author.username === bot.username
        ? readRequesterMarker(mr.description)
        : undefined;
    return {
      id: String(mr.iid),
      number: mr.iid,
      repository: this.repository,
      title: mr.title,
      description: mr.description ?? '',
      state,
      sourceBranch: mr.source_branch,
      targetBranch: mr.target_branch,
      headSha: mr.sha,
      baseSha: mr.diff_refs?.base_sha ?? '',
      mergeCommitSha: mr.merge_commit_sha ?? mr.squash_commit_sha ?? undefined,
      author: requester
        ? {
            name: requester.name,
            email: requester.email,
            userRef: requester.userRef,
          }
        : { name: mr.author.name, login: mr.author.username },
      createdAt: mr.created_at,
      updatedAt: mr.updated_at,
      url: mr.web_url,
      reviews: reviewsOf({
        approvals,
        notes,
        reviewers,
        botUsername: bot?.username,
        fallbackTime: mr.updated_at,
      }),
      checks,
      approval,
      mergeable,
      mergeableReason: mergeable === false ? reason : undefined,
      paths: [...new Set(changedPathsOf(diffs).map(p => p.path))],
    };
  }

  private async postNote(client: GitlabClient, iid: number, body: string) {
    return (await this.withErrors(`commenting on merge request !${iid}`, () =>
      client.notes.create(this.project, iid, body),
    )) as unknown as GitlabNote;
  }

  private async deleteBranch(client: GitlabClient, branch: string) {
    try {
      await client.branches.remove(this.project, branch);
    } catch (error) {
      this.logger?.error(
        `GitLab: could not delete branch ${branch} after its merge request failed; delete it by hand: ${error}`,
      );
    }
  }

  private requesterLine(actor: Actor): string {
    return `Requested by ${describeActor(
      actor,
    )} through Butler Portal.\n\n${requesterMarker(actor)}`;
  }

  private describeChange(
    input: OpenChangeInput,
    commitId: string,
    asBot: boolean,
  ) {
    const summary = input.operations
      .map(operation => `- ${operation.action} \`${operation.path}\``)
      .join('\n');
    return [
      (input.description ?? '').trim(),
      `---\n**Changes** (commit ${commitId.slice(0, 8)}):\n${summary}`,
      asBot ? this.requesterLine(input.actor) : undefined,
    ]
      .filter(Boolean)
      .join('\n\n');
  }
}
