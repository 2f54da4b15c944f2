/*
 * The GitHub implementation of GitProvider, on @octokit/rest.
 *
 * A change request is one commit made through the Git data API (blobs → tree on the base tree →
 * commit authored by the actor → branch) and a pull request, with reviewers requested from the
 * target branch's CODEOWNERS. It acts with the signed-in user's own GitHub token when the frontend
 * supplied one, otherwise with the integration's credentials (GitHub App installation token or
 * PAT) and names the requester in the pull-request body.
 */
import { createHash } from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrationRegistry,
} from '@backstage/integration';
import { Octokit, RestEndpointMethodTypes } from '@octokit/rest';
import { BoundedMap, mapLimited } from '@butler-portal/plugin-gitops-node';
import {
  CODEOWNERS_LOCATIONS,
  CodeOwnersRule,
  ownersOf,
  parseCodeOwners,
} from '@butler-portal/plugin-gitops-node';
// one definition of a safe branch name, path and change input, shared with the other providers
import {
  isSha,
  normalizePrefix,
  validateBranchName,
  validateRepoPath,
  validateShortRef,
} from '@butler-portal/plugin-gitops-node';
import {
  validateOpenChangeFromBranchInput,
  validateOpenChangeInput,
} from '@butler-portal/plugin-gitops-node';
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
import { isStatus, toProviderError } from './githubErrors';
import { installGithubRetry } from './githubRetry';
import {
  diffTrees,
  findSubtree,
  GithubRepoRef,
  listBlobs,
} from './githubTrees';
import {
  appendActorTrailer,
  computeApproval,
  computeMergeability,
  parseActorTrailer,
  toChangedPaths,
  toChecks,
  toReview,
} from './pullRequestMapping';

type GithubPull = RestEndpointMethodTypes['pulls']['get']['response']['data'];
type GithubFile =
  RestEndpointMethodTypes['pulls']['listFiles']['response']['data'][number];

export interface GithubGitProviderOptions {
  /** the portal's repository id (app-config `gitops.repositories[].id`) */
  repository: string;
  owner: string;
  repo: string;
  /** REST API base: `https://api.github.com` (default) or `https://ghe.example.com/api/v3` */
  baseUrl?: string;
  /** web base for html links; derived from baseUrl when omitted */
  webUrl?: string;
  /** skips a repos.get call when known */
  defaultBranch?: string;
  /** approvals required when branch protection cannot be read (default 1) */
  requiredApprovals?: number;
  /** whether code owners must approve when branch protection cannot be read (default false) */
  requireCodeOwnerReviews?: boolean;
  mergeMethod?: 'merge' | 'squash' | 'rebase';
  /** delete the head branch after the portal merged a change (default true) */
  deleteBranchOnMerge?: boolean;
  /** committer of portal commits (the author is always the actor) */
  committer?: { name: string; email: string };
  /** integration credentials (GitHub App or PAT), e.g. DefaultGithubCredentialsProvider */
  credentialsProvider?: Pick<GithubCredentialsProvider, 'getCredentials'>;
  /** builds the Octokit client for a token; the retry hook is installed on what it returns */
  octokitFactory?: (options: { auth?: string; baseUrl: string }) => Octokit;
  logger?: LoggerService;
  /** injectable waiting and clock for rate-limit / 5xx retries */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  maxRetries?: number;
  maxRateLimitWaitMs?: number;
  /** most change requests listChanges returns for closed / merged filters (default 100) */
  maxListedChanges?: number;
}

const DEFAULT_API = 'https://api.github.com';
const DEFAULT_COMMITTER = {
  name: 'Butler Portal',
  email: 'butler-portal@users.noreply.github.com',
};
/** GitHub caps compare at 300 files for the whole comparison */
const COMPARE_FILE_CAP = 300;
const STATUS_DESCRIPTION_MAX = 140;

function webUrlFor(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.hostname === 'api.github.com') {
    return 'https://github.com';
  }
  // GitHub Enterprise Server: https://host/api/v3 → https://host
  return `${url.origin}${url.pathname
    .replace(/\/api\/v3\/?$/, '')
    .replace(/\/$/, '')}`;
}

/** Clients kept per token (hashed), and for how long. */
const CLIENT_CACHE_SIZE = 16;
const CLIENT_TTL_MS = 5 * 60 * 1000;

function stateOf(pull: {
  merged_at: string | null;
  state: string;
}): ChangeRequest['state'] {
  if (pull.merged_at) {
    return 'merged';
  }
  return pull.state === 'open' ? 'open' : 'closed';
}

interface Protection {
  requiredApprovals?: number;
  requireCodeOwnerReviews?: boolean;
  requiredContexts?: string[];
}

export class GithubGitProvider implements GitProvider {
  readonly repository: string;
  readonly type = 'github' as const;

  private readonly options: GithubGitProviderOptions;
  private readonly baseUrl: string;
  private readonly webUrl: string;
  /** clients by the sha256 of their token (a token is never a key or a logged value) */
  private readonly clients = new BoundedMap<
    string,
    { octokit: Octokit; expiresAt: number }
  >({ maxEntries: CLIENT_CACHE_SIZE });
  private readonly codeOwnersCache = new BoundedMap<string, CodeOwnersRule[]>({
    maxEntries: 64,
  });
  private defaultBranchPromise?: Promise<string>;
  private knownDefaultBranch?: string;

  /**
   * Builds a provider from the backend's ScmIntegrations: the API URL and credentials of the
   * GitHub integration whose host serves the repository.
   */
  static fromIntegrations(
    integrations: ScmIntegrationRegistry,
    options: Omit<
      GithubGitProviderOptions,
      'baseUrl' | 'webUrl' | 'credentialsProvider'
    > & {
      host?: string;
    },
  ): GithubGitProvider {
    const host = options.host ?? 'github.com';
    const integration = integrations.github.byHost(host);
    if (!integration) {
      throw new InputError(
        `No GitHub integration is configured for host '${host}' (repository ${options.repository})`,
      );
    }
    return new GithubGitProvider({
      ...options,
      baseUrl: integration.config.apiBaseUrl,
      webUrl: `https://${integration.config.host}`,
      credentialsProvider:
        DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    });
  }

  constructor(options: GithubGitProviderOptions) {
    if (!options.owner || !options.repo) {
      throw new InputError(
        `GitHub repository ${options.repository}: owner and repo are required`,
      );
    }
    this.options = options;
    this.repository = options.repository;
    this.baseUrl = (options.baseUrl ?? DEFAULT_API).replace(/\/$/, '');
    this.webUrl = (options.webUrl ?? webUrlFor(this.baseUrl)).replace(
      /\/$/,
      '',
    );
    this.knownDefaultBranch = options.defaultBranch;
  }

  private get slug(): string {
    return `${this.options.owner}/${this.options.repo}`;
  }

  // ---------------------------------------------------------------- identity

  private client(token: string | undefined): Octokit {
    const key = createHash('sha256')
      .update(token ?? '')
      .digest('hex');
    const now = (this.options.now ?? Date.now)();
    const cached = this.clients.get(key);
    let octokit = cached && cached.expiresAt > now ? cached.octokit : undefined;
    if (!octokit) {
      const factory =
        this.options.octokitFactory ??
        (opts =>
          new Octokit({
            auth: opts.auth,
            baseUrl: opts.baseUrl,
            userAgent: 'butler-portal',
            log: {
              debug: () => {},
              info: () => {},
              warn: (message: string) => this.options.logger?.warn(message),
              error: (message: string) => this.options.logger?.error(message),
            },
          }));
      octokit = installGithubRetry(
        factory({ auth: token, baseUrl: this.baseUrl }),
        {
          sleep: this.options.sleep,
          now: this.options.now,
          maxRetries: this.options.maxRetries,
          maxRateLimitWaitMs: this.options.maxRateLimitWaitMs,
          logger: this.options.logger,
        },
      );
      // installation tokens rotate hourly and a user's token is theirs: keep a few clients, briefly
      for (const [k, v] of this.clients)
        if (v.expiresAt <= now) this.clients.delete(k);
      this.clients.set(key, { octokit, expiresAt: now + CLIENT_TTL_MS });
    }
    return octokit;
  }

  /** The actor's own token when given (acts as them), else the integration's credentials. */
  private async identity(
    actor?: Actor,
  ): Promise<{ octokit: Octokit; asUser: boolean }> {
    if (actor?.scmToken) {
      return { octokit: this.client(actor.scmToken), asUser: true };
    }
    const credentials = await this.options.credentialsProvider?.getCredentials({
      url: `${this.webUrl}/${this.slug}`,
    });
    return { octokit: this.client(credentials?.token), asUser: false };
  }

  /**
   * Reviews and merges act as the user, with their own GitHub token: the portal's App must not
   * approve or merge on anyone's behalf (its approval would count like a reviewer's).
   */
  private async userIdentity(actor: Actor, action: string): Promise<Octokit> {
    if (!actor.scmToken) {
      throw new NotAllowedError(
        `To ${action} on GitHub the portal acts as you: sign in to GitHub in the portal so that your own token is used. The portal's GitHub App does not ${action} on anyone's behalf.`,
      );
    }
    return this.client(actor.scmToken);
  }

  private async integration(): Promise<GithubRepoRef> {
    const { octokit } = await this.identity();
    return { octokit, owner: this.options.owner, repo: this.options.repo };
  }

  private async run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw toProviderError(error, `${action} in ${this.slug}`);
    }
  }

  private get repoParams() {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  // ---------------------------------------------------------------- reading

  defaultBranch(): Promise<string> {
    if (this.knownDefaultBranch) {
      return Promise.resolve(this.knownDefaultBranch);
    }
    if (!this.defaultBranchPromise) {
      this.defaultBranchPromise = this.run(
        'read the default branch',
        async () => {
          const { octokit } = await this.identity();
          const { data } = await octokit.repos.get(this.repoParams);
          this.knownDefaultBranch = data.default_branch;
          return data.default_branch;
        },
      );
      this.defaultBranchPromise.catch(() => {
        this.defaultBranchPromise = undefined;
      });
    }
    return this.defaultBranchPromise;
  }

  async head(branch?: string): Promise<string> {
    const name = branch ?? (await this.defaultBranch());
    validateBranchName(name);
    return this.run(`read branch '${name}'`, async () => {
      const { octokit } = await this.identity();
      return this.branchHead(octokit, name);
    });
  }

  async resolveRef(ref: string): Promise<string> {
    validateShortRef(ref);
    return this.run(`resolve ref '${ref}'`, async () => {
      const { octokit } = await this.identity();
      const absent = (error: unknown) => {
        if (isStatus(error, 404, 422)) return undefined;
        throw error;
      };
      if (isSha(ref)) {
        const found = await octokit.git
          .getCommit({ ...this.repoParams, commit_sha: ref })
          .then(r => r.data.sha, absent);
        if (!found) {
          throw new NotFoundError(`commit ${ref} not found in ${this.slug}`);
        }
        return found;
      }
      const [branch, tag] = await Promise.all(
        ['heads', 'tags'].map(kind =>
          octokit.git
            .getRef({ ...this.repoParams, ref: `${kind}/${ref}` })
            // getRef answers the exact ref only; a prefix match comes back as a list
            .then(r => (Array.isArray(r.data) ? undefined : r.data), absent),
        ),
      );
      let tagged: string | undefined;
      if (tag) {
        // an annotated tag names a tag object: peel it (each step is one call; chains are rare)
        let object = tag.object;
        for (let depth = 0; object.type === 'tag' && depth < 16; depth++) {
          ({ object } = (
            await octokit.git.getTag({
              ...this.repoParams,
              tag_sha: object.sha,
            })
          ).data);
        }
        if (object.type !== 'commit') {
          throw new InputError(
            `tag '${ref}' names a ${object.type}, not a commit`,
          );
        }
        tagged = object.sha;
      }
      const head = branch?.object.sha;
      if (head && tagged && head !== tagged) {
        throw new InputError(
          `ref '${ref}' is ambiguous in ${this.slug}: branch ${ref} is at ${head}, tag ${ref} at ${tagged}; give the commit SHA`,
        );
      }
      const commit = head ?? tagged;
      if (!commit) {
        throw new NotFoundError(`no branch or tag '${ref}' in ${this.slug}`);
      }
      return commit;
    });
  }

  private async branchHead(octokit: Octokit, branch: string): Promise<string> {
    try {
      const { data } = await octokit.git.getRef({
        ...this.repoParams,
        ref: `heads/${branch}`,
      });
      return data.object.sha;
    } catch (error) {
      if (isStatus(error, 404)) {
        throw new NotFoundError(
          `Branch '${branch}' does not exist in ${this.slug}`,
        );
      }
      throw error;
    }
  }

  async readFile(path: string, ref?: string): Promise<FileContent | undefined> {
    const file = await this.readFileBytes(path, ref);
    return file && { ...file, content: file.content.toString('utf8') };
  }

  async readFileBytes(
    path: string,
    ref?: string,
  ): Promise<(FileBytes & { content: Buffer }) | undefined> {
    validateRepoPath(path, 'path');
    const revision = ref ?? (await this.defaultBranch());
    return this.run(`read ${path} at ${revision}`, async () => {
      const { octokit } = await this.identity();
      return this.readFileWith(octokit, path, revision);
    });
  }

  /** a file's bytes: both APIs send base64, so binary content arrives intact */
  private async readFileWith(
    octokit: Octokit,
    path: string,
    ref: string,
  ): Promise<(FileBytes & { content: Buffer }) | undefined> {
    let data;
    try {
      ({ data } = await octokit.repos.getContent({
        ...this.repoParams,
        path,
        ref,
      }));
    } catch (error) {
      if (isStatus(error, 404)) {
        return undefined;
      }
      throw error;
    }
    if (Array.isArray(data) || data.type !== 'file') {
      return undefined; // a folder, symlink or submodule is not a file the portal reads
    }
    if ('encoding' in data && data.encoding === 'base64') {
      return {
        path,
        sha: data.sha,
        content: Buffer.from(data.content, 'base64'),
      };
    }
    // files over 1 MB come without content; the blob API serves them up to 100 MB
    const blob = await octokit.git.getBlob({
      ...this.repoParams,
      file_sha: data.sha,
    });
    return {
      path,
      sha: data.sha,
      content: Buffer.from(
        blob.data.content,
        blob.data.encoding === 'base64' ? 'base64' : 'utf8',
      ),
    };
  }

  async listTree(ref?: string, prefix?: string): Promise<TreeEntry[]> {
    const revision = ref ?? (await this.defaultBranch());
    const folder = normalizePrefix(prefix);
    return this.run(
      `list files${folder ? ` under ${folder}` : ''} at ${revision}`,
      async () => {
        const repoRef = await this.integration();
        try {
          const tree = folder
            ? await findSubtree(repoRef, revision, folder)
            : revision;
          return tree ? await listBlobs(repoRef, tree, folder) : [];
        } catch (error) {
          if (isStatus(error, 404, 409)) {
            throw new NotFoundError(
              `Revision '${revision}' does not exist in ${this.slug}`,
            );
          }
          throw error;
        }
      },
    );
  }

  async changedPaths(
    fromCommit: string,
    toCommit: string,
  ): Promise<ChangedPath[]> {
    if (fromCommit === toCommit) {
      return [];
    }
    return this.run(`compare ${fromCommit}...${toCommit}`, async () => {
      const repoRef = await this.integration();
      // one commit per page keeps the answer small: the files come on the first page only
      const { data } = await repoRef.octokit.repos.compareCommitsWithBasehead({
        ...this.repoParams,
        basehead: `${fromCommit}...${toCommit}`,
        per_page: 1,
      });
      const files = data.files ?? [];
      // three-dot compare diffs from the merge base; only when `from` is an ancestor of `to` is
      // that the direct difference — and only below GitHub's file cap is the list complete
      if (
        (data.status === 'ahead' || data.status === 'identical') &&
        files.length < COMPARE_FILE_CAP
      ) {
        return toChangedPaths(files);
      }
      this.options.logger?.debug(
        `GitHub compare ${fromCommit}...${toCommit} in ${this.slug} is ${data.status} with ${files.length} files; diffing trees instead`,
      );
      const [from, to] = await Promise.all(
        [fromCommit, toCommit].map(sha =>
          repoRef.octokit.git.getCommit({
            ...this.repoParams,
            commit_sha: sha,
          }),
        ),
      );
      return diffTrees(repoRef, from.data.tree.sha, to.data.tree.sha);
    });
  }

  fileUrl(path: string, mode: 'view' | 'edit'): string | undefined {
    const branch = this.knownDefaultBranch ?? 'HEAD';
    const encoded = path.split('/').map(encodeURIComponent).join('/');
    return `${this.webUrl}/${this.slug}/${
      mode === 'edit' ? 'edit' : 'blob'
    }/${branch}/${encoded}`;
  }

  // ---------------------------------------------------------------- opening a change

  async openChange(input: OpenChangeInput): Promise<ChangeRequest> {
    validateOpenChangeInput(input);
    const targetBranch = await this.defaultBranch();
    const { octokit, asUser } = await this.identity(input.actor);
    const params = this.repoParams;

    const baseSha = await this.run(
      `resolve the base of '${input.branch}'`,
      async () =>
        input.baseCommit ?? (await this.branchHead(octokit, targetBranch)),
    );

    // refuse before writing anything when the operations do not fit the base commit
    await this.run(`check the files of '${input.branch}' at ${baseSha}`, () =>
      Promise.all(
        input.operations.map(async (operation, index) => {
          const existing = await this.readFileWith(
            octokit,
            operation.path,
            baseSha,
          );
          if (operation.action === 'create' && existing) {
            throw new ConflictError(
              `operations[${index}]: cannot create ${operation.path}, it already exists at ${baseSha}`,
            );
          }
          if (operation.action !== 'create' && !existing) {
            throw new NotFoundError(
              `operations[${index}]: cannot ${operation.action} ${operation.path}, it does not exist at ${baseSha}`,
            );
          }
        }),
      ),
    );

    const commitSha = await this.run(
      `write the commit for '${input.branch}'`,
      async () => {
        const { data: baseCommit } = await octokit.git.getCommit({
          ...params,
          commit_sha: baseSha,
        });
        const entries = await Promise.all(
          input.operations.map(async operation => {
            if (operation.action === 'delete') {
              return {
                path: operation.path,
                mode: '100644' as const,
                type: 'blob' as const,
                sha: null,
              };
            }
            const { data: blob } = await octokit.git.createBlob({
              ...params,
              content: operation.content,
              encoding: 'utf-8',
            });
            return {
              path: operation.path,
              mode: '100644' as const,
              type: 'blob' as const,
              sha: blob.sha,
            };
          }),
        );
        const { data: tree } = await octokit.git.createTree({
          ...params,
          base_tree: baseCommit.tree.sha,
          tree: entries,
        });
        const { data: commit } = await octokit.git.createCommit({
          ...params,
          message: input.message ?? input.title,
          tree: tree.sha,
          parents: [baseSha],
          author: { name: input.actor.name, email: input.actor.email },
          committer: this.options.committer ?? DEFAULT_COMMITTER,
        });
        return commit.sha;
      },
    );

    await this.run(`create branch '${input.branch}'`, async () => {
      try {
        await octokit.git.createRef({
          ...params,
          ref: `refs/heads/${input.branch}`,
          sha: commitSha,
        });
      } catch (error) {
        if (isStatus(error, 422)) {
          throw new ConflictError(
            `Branch '${input.branch}' already exists in ${this.slug}; choose another branch name`,
          );
        }
        throw error;
      }
    });

    let pull: GithubPull;
    try {
      pull = await this.createPull(octokit, asUser, input, targetBranch);
    } catch (error) {
      // all or nothing: a branch without its pull request would be an orphan
      await this.deleteBranch(octokit, input.branch);
      throw toProviderError(
        error,
        `open a pull request for '${input.branch}' in ${this.slug}`,
      );
    }

    await this.requestCodeOwners(
      octokit,
      pull,
      input.operations.map(o => o.path),
      baseSha,
    );
    return this.describe(octokit, pull);
  }

  async openChangeFromBranch(
    input: OpenChangeFromBranchInput,
  ): Promise<ChangeRequest> {
    validateOpenChangeFromBranchInput(input);
    const targetBranch = await this.defaultBranch();
    const { octokit, asUser } = await this.identity(input.actor);
    return this.run(`open a pull request for '${input.branch}'`, async () => {
      await this.branchHead(octokit, input.branch);
      const pull = await this.createPull(octokit, asUser, input, targetBranch);
      const files = await this.pullFiles(octokit, pull.number);
      await this.requestCodeOwners(
        octokit,
        pull,
        toChangedPaths(files).map(p => p.path),
        pull.base.sha,
      );
      return this.describe(octokit, pull);
    });
  }

  /**
   * The pull request of a change; made as the integration, its body names the requester, since
   * GitHub will show the bot as its author.
   */
  private async createPull(
    octokit: Octokit,
    asUser: boolean,
    input: OpenChangeFromBranchInput,
    base: string,
  ): Promise<GithubPull> {
    const { data } = await octokit.pulls.create({
      ...this.repoParams,
      title: input.title,
      head: input.branch,
      base,
      body: asUser
        ? input.description
        : appendActorTrailer(input.description, 'Requested', input.actor),
    });
    return data;
  }

  private async deleteBranch(octokit: Octokit, branch: string): Promise<void> {
    try {
      await octokit.git.deleteRef({
        ...this.repoParams,
        ref: `heads/${branch}`,
      });
    } catch (error) {
      this.options.logger?.warn(
        `Could not delete branch '${branch}' of ${this.slug}: ${
          (error as Error).message
        }`,
      );
    }
  }

  /** CODEOWNERS of a commit, from the first of GitHub's three locations that exists. */
  private async codeOwnersAt(
    octokit: Octokit,
    commitSha: string,
  ): Promise<CodeOwnersRule[]> {
    const cached = this.codeOwnersCache.get(commitSha);
    if (cached) {
      return cached;
    }
    let rules: CodeOwnersRule[] = [];
    for (const location of CODEOWNERS_LOCATIONS) {
      const file = await this.readFileWith(octokit, location, commitSha);
      if (file) {
        rules = parseCodeOwners(file.content.toString('utf8'));
        break;
      }
    }
    this.codeOwnersCache.set(commitSha, rules);
    return rules;
  }

  private ownersByPath(
    rules: CodeOwnersRule[],
    paths: string[],
  ): Map<string, string[]> {
    const result = new Map<string, string[]>();
    for (const path of paths) {
      const owners = ownersOf(rules, path)?.owners ?? [];
      if (owners.length) {
        result.set(path, owners);
      }
    }
    return result;
  }

  /**
   * Asks the code owners of the changed paths for review: `@user` as reviewers, `@org/team` of
   * this organisation as team reviewers. A refused request (e.g. a user without access) does not
   * undo the change; it is retried one reviewer at a time and logged.
   */
  private async requestCodeOwners(
    octokit: Octokit,
    pull: { number: number; user: { login: string } | null },
    paths: string[],
    ownersCommit: string,
  ): Promise<void> {
    try {
      const rules = await this.codeOwnersAt(octokit, ownersCommit);
      const owners = new Set(
        [...this.ownersByPath(rules, paths).values()].flat(),
      );
      const author = pull.user?.login.toLowerCase();
      const reviewers: string[] = [];
      const teamReviewers: string[] = [];
      for (const owner of owners) {
        const team = /^@([^/\s]+)\/(\S+)$/.exec(owner);
        if (team) {
          if (team[1].toLowerCase() === this.options.owner.toLowerCase()) {
            teamReviewers.push(team[2]);
          }
        } else if (
          /^@[^/\s@]+$/.test(owner) &&
          owner.slice(1).toLowerCase() !== author
        ) {
          reviewers.push(owner.slice(1));
        }
      }
      if (!reviewers.length && !teamReviewers.length) {
        return;
      }
      const request = (r: string[], t: string[]) =>
        octokit.pulls.requestReviewers({
          ...this.repoParams,
          pull_number: pull.number,
          reviewers: r,
          team_reviewers: t,
        });
      try {
        await request(reviewers, teamReviewers);
      } catch (error) {
        if (!isStatus(error, 422)) {
          throw error;
        }
        for (const single of [
          ...reviewers.map(r => [[r], []]),
          ...teamReviewers.map(t => [[], [t]]),
        ]) {
          await request(single[0], single[1]).catch(e =>
            this.options.logger?.warn(
              `GitHub refused review request ${JSON.stringify(single)} on ${
                this.slug
              }#${pull.number}: ${e.message}`,
            ),
          );
        }
      }
    } catch (error) {
      this.options.logger?.warn(
        `Could not request code owner reviews on ${this.slug}#${pull.number}: ${
          (error as Error).message
        }`,
      );
    }
  }

  // ---------------------------------------------------------------- describing change requests

  private async pullFiles(
    octokit: Octokit,
    number: number,
  ): Promise<GithubFile[]> {
    return octokit.paginate(
      'GET /repos/{owner}/{repo}/pulls/{pull_number}/files',
      {
        ...this.repoParams,
        pull_number: number,
        per_page: 100,
      },
    );
  }

  private async protectionOf(
    octokit: Octokit,
    branch: string,
  ): Promise<Protection | undefined> {
    try {
      const { data } = await octokit.repos.getBranchProtection({
        ...this.repoParams,
        branch,
      });
      return {
        requiredApprovals:
          data.required_pull_request_reviews?.required_approving_review_count,
        requireCodeOwnerReviews:
          data.required_pull_request_reviews?.require_code_owner_reviews,
        requiredContexts: data.required_status_checks?.contexts,
      };
    } catch (error) {
      if (isStatus(error, 404)) {
        return {}; // readable, and the branch is not protected
      }
      if (isStatus(error, 403)) {
        return undefined; // reading protection needs admin rights; fall back to config
      }
      throw error;
    }
  }

  private async checksOf(
    octokit: Octokit,
    sha: string,
  ): Promise<CommitCheck[]> {
    const [combined, runs] = await Promise.all([
      octokit.repos.getCombinedStatusForRef({
        ...this.repoParams,
        ref: sha,
        per_page: 100,
      }),
      octokit.checks
        .listForRef({ ...this.repoParams, ref: sha, per_page: 100 })
        .catch(error => {
          // tokens without the checks permission cannot list check runs; statuses still count
          if (isStatus(error, 403, 404)) {
            return undefined;
          }
          throw error;
        }),
    ]);
    return toChecks(combined.data.statuses, runs?.data.check_runs ?? []);
  }

  private async isTeamMember(
    octokit: Octokit,
    org: string,
    team: string,
    login: string,
  ): Promise<boolean> {
    try {
      const { data } = await octokit.teams.getMembershipForUserInOrg({
        org,
        team_slug: team,
        username: login,
      });
      return data.state === 'active';
    } catch (error) {
      if (isStatus(error, 403, 404)) {
        return false;
      }
      throw error;
    }
  }

  /** Full ChangeRequest of a pull request: reviews, checks, approval and mergeability. */
  private async describe(
    octokit: Octokit,
    pull: GithubPull,
  ): Promise<ChangeRequest> {
    const number = pull.number;
    const state = stateOf(pull);
    const [githubReviews, files, checks, protection] = await Promise.all([
      octokit.paginate(
        'GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews',
        { ...this.repoParams, pull_number: number, per_page: 100 },
      ),
      this.pullFiles(octokit, number),
      this.checksOf(octokit, pull.head.sha),
      state === 'open'
        ? this.protectionOf(octokit, pull.base.ref)
        : Promise.resolve(undefined),
    ]);
    const changed = toChangedPaths(files);
    const paths = [...new Set(changed.map(c => c.path))];
    const rules =
      state === 'open' ? await this.codeOwnersAt(octokit, pull.base.sha) : [];
    const membership = new Map<string, Promise<boolean>>();
    const approval = await computeApproval({
      reviews: githubReviews,
      headSha: pull.head.sha,
      requiredApprovals:
        protection?.requiredApprovals ?? this.options.requiredApprovals ?? 1,
      requireCodeOwnerReviews:
        protection?.requireCodeOwnerReviews ??
        this.options.requireCodeOwnerReviews ??
        false,
      ownersByPath: this.ownersByPath(rules, paths),
      ownerApproved: async (owner, approvers) => {
        const lower = approvers.map(a => a.toLowerCase());
        const team = /^@([^/\s]+)\/(\S+)$/.exec(owner);
        if (!team) {
          return (
            owner.startsWith('@') &&
            lower.includes(owner.slice(1).toLowerCase())
          );
        }
        for (const approver of approvers) {
          const key = `${owner}:${approver}`;
          if (!membership.has(key)) {
            membership.set(
              key,
              this.isTeamMember(octokit, team[1], team[2], approver),
            );
          }
          if (await membership.get(key)) {
            return true;
          }
        }
        return false;
      },
    });
    const mergeability = computeMergeability({
      state,
      draft: Boolean(pull.draft),
      githubMergeable: pull.mergeable ?? null,
      githubMergeableState: pull.mergeable_state,
      approval,
      checks,
      requiredContexts: protection?.requiredContexts,
    });
    const { text: description, actor } = parseActorTrailer(pull.body);
    const { changesRequested: _changesRequested, ...approvalState } = approval;
    return {
      id: String(number),
      number,
      repository: this.repository,
      title: pull.title,
      description,
      state,
      sourceBranch: pull.head.ref,
      targetBranch: pull.base.ref,
      headSha: pull.head.sha,
      baseSha: pull.base.sha,
      mergeCommitSha:
        state === 'merged' ? pull.merge_commit_sha ?? undefined : undefined,
      author: actor
        ? { ...actor, login: pull.user?.login }
        : { name: pull.user?.login ?? 'ghost', login: pull.user?.login },
      createdAt: pull.created_at,
      updatedAt: pull.updated_at,
      url: pull.html_url,
      reviews: githubReviews
        .map(toReview)
        .filter((r): r is Review => Boolean(r)),
      checks,
      approval: approvalState,
      mergeable: mergeability.mergeable,
      mergeableReason: mergeability.reason,
      paths,
    };
  }

  private parseId(id: string): number {
    const number = Number(id);
    if (!/^[1-9]\d{0,9}$/.test(id) || !Number.isSafeInteger(number)) {
      throw new InputError(`Change id '${id}' is not a pull request number`);
    }
    return number;
  }

  private async getPull(
    octokit: Octokit,
    id: string,
  ): Promise<GithubPull | undefined> {
    try {
      return (
        await octokit.pulls.get({
          ...this.repoParams,
          pull_number: this.parseId(id),
        })
      ).data;
    } catch (error) {
      if (isStatus(error, 404)) {
        return undefined;
      }
      throw error;
    }
  }

  private async requirePull(octokit: Octokit, id: string): Promise<GithubPull> {
    const pull = await this.getPull(octokit, id);
    if (!pull) {
      throw new NotFoundError(`Change #${id} does not exist in ${this.slug}`);
    }
    return pull;
  }

  async listChanges(filter?: ChangeFilter): Promise<ChangeRequest[]> {
    const targetBranch = await this.defaultBranch();
    return this.run('list pull requests', async () => {
      const { octokit } = await this.identity();
      const limit = this.options.maxListedChanges ?? 100;
      // GitHub knows open / closed; merged is a closed pull request with merged_at
      let githubState: 'open' | 'closed' | 'all' = 'all';
      if (filter?.state) {
        githubState = filter.state === 'open' ? 'open' : 'closed';
      }
      let collected = 0;
      const matches = (p: { merged_at: string | null; state: string }) =>
        !filter?.state ||
        (filter.state === 'open' && p.state === 'open') ||
        (filter.state === 'merged' && Boolean(p.merged_at)) ||
        (filter.state === 'closed' && p.state === 'closed' && !p.merged_at);
      const pulls = await octokit.paginate(
        'GET /repos/{owner}/{repo}/pulls',
        {
          ...this.repoParams,
          state: githubState,
          base: targetBranch,
          sort: 'updated',
          direction: 'desc',
          per_page: 100,
        },
        (response, done) => {
          const page = response.data.filter(matches);
          collected += page.length;
          if (collected >= limit) {
            done();
          }
          return page;
        },
      );
      // the list omits mergeability; fetch each pull request (a handful at a time)
      return mapLimited(pulls.slice(0, limit), 4, async summary =>
        this.describe(
          octokit,
          await this.requirePull(octokit, String(summary.number)),
        ),
      );
    });
  }

  async getChange(id: string): Promise<ChangeRequest | undefined> {
    const number = this.parseId(id);
    return this.run(`read change #${number}`, async () => {
      const { octokit } = await this.identity();
      const pull = await this.getPull(octokit, id);
      return pull ? this.describe(octokit, pull) : undefined;
    });
  }

  async getChangeFiles(id: string): Promise<ChangedFile[]> {
    return this.run(`read the files of change #${id}`, async () => {
      const { octokit } = await this.identity();
      const pull = await this.requirePull(octokit, id);
      const [files, comparison] = await Promise.all([
        this.pullFiles(octokit, pull.number),
        octokit.repos.compareCommitsWithBasehead({
          ...this.repoParams,
          basehead: `${pull.base.sha}...${pull.head.sha}`,
          per_page: 1,
        }),
      ]);
      // the diff of a pull request is against the merge base, not the moving base branch
      const mergeBase = comparison.data.merge_base_commit.sha;
      const result = await mapLimited(files, 4, async file => {
        const read = async (path: string, ref: string) =>
          (await this.readFileWith(octokit, path, ref))?.content.toString(
            'utf8',
          );
        const changes = toChangedPaths([file]);
        return Promise.all(
          changes.map(
            async (change): Promise<ChangedFile> => ({
              ...change,
              before:
                change.status === 'added'
                  ? undefined
                  : await read(change.path, mergeBase),
              after:
                change.status === 'deleted'
                  ? undefined
                  : await read(change.path, pull.head.sha),
            }),
          ),
        );
      });
      return result.flat();
    });
  }

  // ---------------------------------------------------------------- acting on change requests

  async review(id: string, input: ReviewInput): Promise<Review> {
    const events = {
      approve: 'APPROVE',
      request_changes: 'REQUEST_CHANGES',
      comment: 'COMMENT',
    } as const;
    const event = events[input.decision];
    if (!event) {
      throw new InputError(
        `decision '${input.decision}' must be approve, request_changes or comment`,
      );
    }
    if (input.decision !== 'approve' && !input.comment?.trim()) {
      throw new InputError(
        `comment: required when the decision is ${input.decision}`,
      );
    }
    const octokit = await this.userIdentity(
      input.actor,
      'review a change request',
    );
    return this.run(`review change #${id}`, async () => {
      const pull = await this.requirePull(octokit, id);
      if (pull.state !== 'open') {
        throw new ConflictError(
          `Change #${id} is ${
            pull.merged_at ? 'merged' : 'closed'
          } and cannot be reviewed`,
        );
      }
      const comment = input.comment ?? '';
      const { data } = await octokit.pulls.createReview({
        ...this.repoParams,
        pull_number: pull.number,
        // pin the review to the head the reviewer saw; a newer push needs a new review
        commit_id: pull.head.sha,
        event,
        body: comment,
      });
      const review = toReview(data);
      if (!review) {
        throw new Error(
          `GitHub returned review ${data.id} in state ${data.state}`,
        );
      }
      return review;
    });
  }

  async merge(id: string, actor: Actor): Promise<ChangeRequest> {
    const octokit = await this.userIdentity(actor, 'merge a change request');
    const change = await this.run(`read change #${id}`, async () =>
      this.describe(octokit, await this.requirePull(octokit, id)),
    );
    if (change.state !== 'open') {
      throw new ConflictError(`Change #${id} is already ${change.state}`);
    }
    if (change.mergeable === false) {
      throw new ConflictError(this.whyNotMergeable(change));
    }
    await this.run(`merge change #${id}`, () =>
      octokit.pulls.merge({
        ...this.repoParams,
        pull_number: change.number,
        // merge exactly what was reviewed: GitHub answers 409 if the head moved meanwhile
        sha: change.headSha,
        merge_method: this.options.mergeMethod ?? 'merge',
      }),
    );
    if (this.options.deleteBranchOnMerge ?? true) {
      await this.deleteBranch(octokit, change.sourceBranch);
    }
    return this.run(`read change #${id}`, async () =>
      this.describe(octokit, await this.requirePull(octokit, id)),
    );
  }

  private whyNotMergeable(change: ChangeRequest): string {
    const reasons: Record<string, string> = {
      conflict: 'it conflicts with the target branch',
      draft: 'it is a draft',
      not_approved: `it has ${change.approval.received} of ${
        change.approval.required
      } required approvals${
        change.approval.missingOwners.length
          ? ` and lacks code owner approval (${change.approval.missingOwners.join(
              ', ',
            )})`
          : ''
      }`,
      changes_requested: 'a reviewer requested changes',
      checks_failed: `checks failed (${change.checks
        .filter(c => c.state === 'failure' || c.state === 'error')
        .map(c => c.context)
        .join(', ')})`,
      checks_pending: 'checks are still running',
      blocked: 'GitHub branch protection blocks it',
    };
    return `Change #${change.id} cannot be merged: ${
      reasons[change.mergeableReason ?? ''] ?? change.mergeableReason
    }`;
  }

  async close(id: string, actor: Actor): Promise<ChangeRequest> {
    const { octokit } = await this.identity(actor);
    return this.run(`close change #${id}`, async () => {
      const pull = await this.requirePull(octokit, id);
      if (pull.merged_at) {
        throw new ConflictError(`Change #${id} is already merged`);
      }
      const { data } = await octokit.pulls.update({
        ...this.repoParams,
        pull_number: pull.number,
        state: 'closed',
      });
      return this.describe(octokit, data);
    });
  }

  async setCommitStatus(sha: string, check: CommitCheck): Promise<void> {
    if (!/^[0-9a-f]{40}$/i.test(sha)) {
      throw new InputError(`sha '${sha}' is not a full commit id`);
    }
    await this.run(`set status ${check.context} on ${sha}`, async () => {
      const { octokit } = await this.identity();
      await octokit.repos.createCommitStatus({
        ...this.repoParams,
        sha,
        state: check.state,
        context: check.context,
        description: check.description?.slice(0, STATUS_DESCRIPTION_MAX),
        target_url: check.targetUrl,
      });
    });
  }
}
