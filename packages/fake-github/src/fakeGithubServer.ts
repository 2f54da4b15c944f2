/*
 * A small, stateful stand-in for the GitHub REST API (api.github.com / GitHub Enterprise
 * `/api/v3`), served by node's http module on 127.0.0.1. It implements only the endpoints the
 * GitHub provider uses, with the JSON shapes, status codes and error bodies GitHub documents (and
 * that @octokit/fixtures recorded, see fakeGithubServer.test.ts), on top of a real Git object model
 * (fakeGitStore.ts). Every request is recorded so tests can assert the exact calls, and any
 * response can be replaced once or more with `failNext` (rate limits, 5xx, 409 ...).
 */
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  FakeGitStore,
  FileMode,
  FlatTree,
  GitIdentity,
  CommitObject,
} from './fakeGitStore';

export interface FakeGithubUser {
  login: string;
  /** the token a client authenticates with (`Authorization: token …` or `Bearer …`) */
  token: string;
  name?: string;
  email?: string;
  type?: 'User' | 'Bot';
}

export interface RecordedRequest {
  method: string;
  /** path without the GitHub Enterprise `/api/v3` prefix, URL-decoded */
  path: string;
  query: Record<string, string>;
  body: any;
  headers: http.IncomingHttpHeaders;
  /** login of the authenticated user, if any */
  user?: string;
}

export interface InjectedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** Branch protection as the test sets it; served in GitHub's JSON shape. */
export interface FakeBranchProtection {
  requiredApprovingReviewCount?: number;
  requireCodeOwnerReviews?: boolean;
  dismissStaleReviews?: boolean;
  requiredStatusChecks?: string[];
  /** false: the token may not read protection (GitHub answers 403 without admin rights) */
  readable?: boolean;
}

export interface FakeGithubServerOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** web host used in html_url fields */
  webUrl?: string;
  /** files above this size come back from the contents API without content (GitHub: 1 MB) */
  largeFileThreshold?: number;
  /** a recursive tree with more entries than this is truncated (GitHub: 100,000 entries) */
  treeEntryLimit?: number;
  /** reads of a pull request that answer `mergeable: null` after each change (GitHub: ≥ 1) */
  mergeabilityPendingReads?: number;
}

interface FakePull {
  number: number;
  id: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  draft: boolean;
  user: string;
  headRef: string;
  baseRef: string;
  /** frozen head and base once the pull request is closed or merged */
  closedHeadSha?: string;
  baseSha: string;
  merged: boolean;
  mergedAt: string | null;
  mergedBy?: string;
  mergeCommitSha: string | null;
  closedAt: string | null;
  createdAt: string;
  updatedAt: string;
  requestedReviewers: string[];
  requestedTeams: string[];
  mergeabilityKey?: string;
  pendingReads: number;
}

interface FakeReview {
  id: number;
  user: string;
  body: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  commitId: string;
  submittedAt: string;
}

interface FakeStatus {
  id: number;
  state: string;
  description: string | null;
  target_url: string | null;
  context: string;
  creator: string;
  createdAt: string;
}

export interface FakeCheckRun {
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion?:
    | 'success'
    | 'failure'
    | 'neutral'
    | 'cancelled'
    | 'skipped'
    | 'timed_out'
    | 'action_required';
  details_url?: string;
  summary?: string;
}

interface Ctx {
  method: string;
  path: string;
  url: URL;
  query: URLSearchParams;
  body: any;
  user?: FakeGithubUser;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Handler = (ctx: Ctx, params: string[]) => Reply;

const DOCS = 'https://docs.github.com/rest';
const MODES: FileMode[] = ['100644', '100755', '040000', '160000', '120000'];

export class FakeGithubServer {
  readonly git = new FakeGitStore();
  readonly requests: RecordedRequest[] = [];
  readonly owner: string;
  readonly repo: string;
  readonly defaultBranch: string;
  readonly webUrl: string;
  /** e.g. `http://127.0.0.1:43123` — use as Octokit baseUrl (or append `/api/v3`) */
  baseUrl = '';

  private readonly server: http.Server;
  private readonly options: Required<
    Pick<
      FakeGithubServerOptions,
      'largeFileThreshold' | 'treeEntryLimit' | 'mergeabilityPendingReads'
    >
  >;
  private readonly users = new Map<string, FakeGithubUser>();
  private readonly userIds = new Map<string, number>();
  private readonly teams = new Map<string, Set<string>>();
  private readonly pulls = new Map<number, FakePull>();
  private readonly reviews = new Map<number, FakeReview[]>();
  private readonly statuses = new Map<string, FakeStatus[]>();
  private readonly checkRuns = new Map<string, FakeCheckRun[]>();
  private readonly protections = new Map<string, FakeBranchProtection>();
  private readonly injected: Array<{
    method?: string;
    path: RegExp;
    response: InjectedResponse;
    remaining: number;
  }> = [];
  private readonly routes: Array<[string, RegExp, Handler]>;
  private nextId = 1000;

  static async start(
    options: FakeGithubServerOptions = {},
  ): Promise<FakeGithubServer> {
    const server = new FakeGithubServer(options);
    await new Promise<void>(resolve =>
      server.server.listen(0, '127.0.0.1', () => resolve()),
    );
    const { port } = server.server.address() as AddressInfo;
    server.baseUrl = `http://127.0.0.1:${port}`;
    return server;
  }

  private constructor(options: FakeGithubServerOptions) {
    this.owner = options.owner ?? 'butlerlabs';
    this.repo = options.repo ?? 'platform';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.webUrl = options.webUrl ?? 'https://github.com';
    this.options = {
      largeFileThreshold: options.largeFileThreshold ?? 1024 * 1024,
      treeEntryLimit: options.treeEntryLimit ?? 100_000,
      mergeabilityPendingReads: options.mergeabilityPendingReads ?? 1,
    };
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(error => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: String(error?.stack ?? error) }));
      });
    });
    const repoPath = '/repos/([^/]+)/([^/]+)';
    const r = (method: string, path: string, handler: Handler) =>
      [method, new RegExp(`^${path}$`), handler] as [string, RegExp, Handler];
    this.routes = [
      r('GET', repoPath, c => this.getRepo(c)),
      r('GET', `${repoPath}/git/ref/(.+)`, (_c, p) => this.getRef(p[2])),
      r('POST', `${repoPath}/git/refs`, c => this.createRef(c)),
      r('DELETE', `${repoPath}/git/refs/(.+)`, (_c, p) => this.deleteRef(p[2])),
      r('POST', `${repoPath}/git/blobs`, c => this.createBlob(c)),
      r('GET', `${repoPath}/git/blobs/([0-9a-f]{40})`, (_c, p) =>
        this.getBlob(p[2]),
      ),
      r('POST', `${repoPath}/git/trees`, c => this.createTree(c)),
      r('GET', `${repoPath}/git/trees/(.+)`, (c, p) => this.getTree(c, p[2])),
      r('POST', `${repoPath}/git/commits`, c => this.createCommit(c)),
      r('GET', `${repoPath}/git/commits/([0-9a-f]{40})`, (_c, p) =>
        this.getGitCommit(p[2]),
      ),
      r('GET', `${repoPath}/git/tags/([0-9a-f]{40})`, (_c, p) =>
        this.getTag(p[2]),
      ),
      r('GET', `${repoPath}/contents/?(.*)`, (c, p) =>
        this.getContent(c, p[2]),
      ),
      r('GET', `${repoPath}/compare/(.+?)\\.\\.\\.(.+)`, (c, p) =>
        this.compare(c, p[2], p[3]),
      ),
      r('GET', `${repoPath}/branches/(.+)/protection`, (_c, p) =>
        this.getProtection(p[2]),
      ),
      r('POST', `${repoPath}/statuses/([0-9a-f]{40})`, (c, p) =>
        this.createStatus(c, p[2]),
      ),
      r('GET', `${repoPath}/commits/(.+)/status`, (_c, p) =>
        this.combinedStatus(p[2]),
      ),
      r('GET', `${repoPath}/commits/(.+)/check-runs`, (_c, p) =>
        this.listCheckRuns(p[2]),
      ),
      r('POST', `${repoPath}/pulls`, c => this.createPull(c)),
      r('GET', `${repoPath}/pulls`, c => this.listPulls(c)),
      r('GET', `${repoPath}/pulls/(\\d+)`, (_c, p) =>
        this.withPull(p[2], pull => ({
          status: 200,
          body: this.pullJson(pull),
        })),
      ),
      r('PATCH', `${repoPath}/pulls/(\\d+)`, (c, p) =>
        this.withPull(p[2], pull => this.updatePull(c, pull)),
      ),
      r('GET', `${repoPath}/pulls/(\\d+)/files`, (c, p) =>
        this.withPull(p[2], pull => this.listPullFiles(c, pull)),
      ),
      r('POST', `${repoPath}/pulls/(\\d+)/requested_reviewers`, (c, p) =>
        this.withPull(p[2], pull => this.requestReviewers(c, pull)),
      ),
      r('GET', `${repoPath}/pulls/(\\d+)/reviews`, (c, p) =>
        this.withPull(p[2], pull =>
          this.paginate(
            c,
            (this.reviews.get(pull.number) ?? []).map(rv =>
              this.reviewJson(pull, rv),
            ),
          ),
        ),
      ),
      r('POST', `${repoPath}/pulls/(\\d+)/reviews`, (c, p) =>
        this.withPull(p[2], pull => this.createReview(c, pull)),
      ),
      r('PUT', `${repoPath}/pulls/(\\d+)/merge`, (c, p) =>
        this.withPull(p[2], pull => this.mergePull(c, pull)),
      ),
      r('GET', '/orgs/([^/]+)/teams/([^/]+)/memberships/([^/]+)', (_c, p) =>
        this.teamMembership(p[0], p[1], p[2]),
      ),
    ];
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.server.close(error => (error ? reject(error) : resolve())),
    );
  }

  // ---------------------------------------------------------------- test set-up and inspection

  addUser(user: FakeGithubUser): FakeGithubUser {
    this.users.set(user.token, user);
    this.userId(user.login);
    return user;
  }

  addTeam(org: string, slug: string, members: string[]): void {
    this.teams.set(`${org}/${slug}`.toLowerCase(), new Set(members));
  }

  setBranchProtection(
    branch: string,
    protection: FakeBranchProtection | undefined,
  ): void {
    if (protection) {
      this.protections.set(branch, protection);
    } else {
      this.protections.delete(branch);
    }
  }

  addCheckRun(sha: string, run: FakeCheckRun): void {
    this.checkRuns.set(sha, [...(this.checkRuns.get(sha) ?? []), run]);
  }

  /** Seeds the default branch with one commit holding `files` (text or bytes). */
  seed(files: Record<string, string | Buffer>): string {
    return this.git.commitFiles(this.defaultBranch, files, {
      message: 'initial layout',
    });
  }

  /** Answers the next `times` requests matching method and path with `response` instead. */
  failNext(
    match: { method?: string; path: RegExp },
    response: InjectedResponse,
    times = 1,
  ): void {
    this.injected.push({ ...match, response, remaining: times });
  }

  requestsTo(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter(r => r.method === method && path.test(r.path));
  }

  branchExists(branch: string): boolean {
    return this.git.refs.has(`heads/${branch}`);
  }

  pullState(number: number) {
    const pull = this.pulls.get(number);
    return pull && { ...pull, headSha: this.headSha(pull) };
  }

  get pullCount(): number {
    return this.pulls.size;
  }

  // ---------------------------------------------------------------- HTTP plumbing

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) {
      chunks.push(chunk as Buffer);
    }
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v3/, '');
    const method = req.method ?? 'GET';
    let body: any = undefined;
    if (raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        this.send(res, {
          status: 400,
          body: { message: 'Problems parsing JSON', documentation_url: DOCS },
        });
        return;
      }
    }
    const token = /^(?:token|bearer)\s+(.+)$/i.exec(
      req.headers.authorization ?? '',
    )?.[1];
    const user = token ? this.users.get(token) : undefined;
    this.requests.push({
      method,
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      headers: req.headers,
      user: user?.login,
    });

    const injected = this.injected.find(
      i => (!i.method || i.method === method) && i.path.test(path),
    );
    if (injected) {
      injected.remaining -= 1;
      if (injected.remaining <= 0) {
        this.injected.splice(this.injected.indexOf(injected), 1);
      }
      this.send(res, injected.response);
      return;
    }
    if (token && !user) {
      this.send(res, {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: DOCS },
      });
      return;
    }
    if (!user && method !== 'GET') {
      this.send(res, {
        status: 401,
        body: { message: 'Requires authentication', documentation_url: DOCS },
      });
      return;
    }
    const ctx: Ctx = { method, path, url, query: url.searchParams, body, user };
    for (const [routeMethod, pattern, handler] of this.routes) {
      const match = routeMethod === method ? pattern.exec(path) : null;
      if (match) {
        const params = match.slice(1);
        if (
          path.startsWith('/repos/') &&
          (params[0] !== this.owner || params[1] !== this.repo)
        ) {
          break;
        }
        this.send(res, handler(ctx, params));
        return;
      }
    }
    this.send(res, notFound());
  }

  private send(res: http.ServerResponse, reply: Reply) {
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      'x-github-media-type': 'github.v3; format=json',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
      'x-github-request-id': `FAKE:${this.requests.length}`,
      ...reply.headers,
    };
    if (reply.status === 204 || reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
      return;
    }
    res.writeHead(reply.status, headers);
    res.end(JSON.stringify(reply.body));
  }

  private paginate<T>(ctx: Ctx, items: T[], defaultPerPage = 30): Reply {
    const perPage = Math.min(
      100,
      Number(ctx.query.get('per_page')) || defaultPerPage,
    );
    const page = Number(ctx.query.get('page')) || 1;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number) => {
      const url = new URL(ctx.url.toString());
      url.searchParams.set('per_page', String(perPage));
      url.searchParams.set('page', String(p));
      return `<${url.toString()}>`;
    };
    const links: string[] = [];
    if (page < last) {
      links.push(`${link(page + 1)}; rel="next"`, `${link(last)}; rel="last"`);
    }
    if (page > 1) {
      links.push(`${link(page - 1)}; rel="prev"`, `${link(1)}; rel="first"`);
    }
    return {
      status: 200,
      body: items.slice((page - 1) * perPage, page * perPage),
      headers: links.length ? { link: links.join(', ') } : undefined,
    };
  }

  // ---------------------------------------------------------------- JSON shapes

  private api(path: string) {
    return `${this.baseUrl}${path}`;
  }

  private repoApi(path = '') {
    return this.api(`/repos/${this.owner}/${this.repo}${path}`);
  }

  private html(path = '') {
    return `${this.webUrl}/${this.owner}/${this.repo}${path}`;
  }

  private userId(login: string): number {
    let id = this.userIds.get(login);
    if (id === undefined) {
      id = this.nextId++;
      this.userIds.set(login, id);
    }
    return id;
  }

  private userJson(login: string) {
    const type =
      [...this.users.values()].find(u => u.login === login)?.type ??
      (login === this.owner ? 'Organization' : 'User');
    const url = this.api(`/users/${login}`);
    return {
      login,
      id: this.userId(login),
      node_id: nodeId(login),
      avatar_url: `https://avatars.githubusercontent.com/u/${this.userId(
        login,
      )}?v=4`,
      gravatar_id: '',
      url,
      html_url: `${this.webUrl}/${login}`,
      followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`,
      gists_url: `${url}/gists{/gist_id}`,
      starred_url: `${url}/starred{/owner}{/repo}`,
      subscriptions_url: `${url}/subscriptions`,
      organizations_url: `${url}/orgs`,
      repos_url: `${url}/repos`,
      events_url: `${url}/events{/privacy}`,
      received_events_url: `${url}/received_events`,
      type,
      site_admin: false,
    };
  }

  private minimalRepoJson() {
    const u = (p: string) => this.repoApi(p);
    return {
      id: 1,
      node_id: nodeId('repo'),
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: true,
      owner: this.userJson(this.owner),
      html_url: this.html(),
      description: null,
      fork: false,
      url: u(''),
      forks_url: u('/forks'),
      keys_url: u('/keys{/key_id}'),
      collaborators_url: u('/collaborators{/collaborator}'),
      teams_url: u('/teams'),
      hooks_url: u('/hooks'),
      issue_events_url: u('/issues/events{/number}'),
      events_url: u('/events'),
      assignees_url: u('/assignees{/user}'),
      branches_url: u('/branches{/branch}'),
      tags_url: u('/tags'),
      blobs_url: u('/git/blobs{/sha}'),
      git_tags_url: u('/git/tags{/sha}'),
      git_refs_url: u('/git/refs{/sha}'),
      trees_url: u('/git/trees{/sha}'),
      statuses_url: u('/statuses/{sha}'),
      languages_url: u('/languages'),
      stargazers_url: u('/stargazers'),
      contributors_url: u('/contributors'),
      subscribers_url: u('/subscribers'),
      subscription_url: u('/subscription'),
      commits_url: u('/commits{/sha}'),
      git_commits_url: u('/git/commits{/sha}'),
      comments_url: u('/comments{/number}'),
      issue_comment_url: u('/issues/comments{/number}'),
      contents_url: u('/contents/{+path}'),
      compare_url: u('/compare/{base}...{head}'),
      merges_url: u('/merges'),
      archive_url: u('/{archive_format}{/ref}'),
      downloads_url: u('/downloads'),
      issues_url: u('/issues{/number}'),
      pulls_url: u('/pulls{/number}'),
      milestones_url: u('/milestones{/number}'),
      notifications_url: u('/notifications{?since,all,participating}'),
      labels_url: u('/labels{/name}'),
      releases_url: u('/releases{/id}'),
      deployments_url: u('/deployments'),
    };
  }

  private repoJson() {
    const host = new URL(this.webUrl).host;
    const now = '2024-01-01T00:00:00Z';
    return {
      ...this.minimalRepoJson(),
      created_at: now,
      updated_at: now,
      pushed_at: now,
      git_url: `git://${host}/${this.owner}/${this.repo}.git`,
      ssh_url: `git@${host}:${this.owner}/${this.repo}.git`,
      clone_url: `${this.html()}.git`,
      svn_url: this.html(),
      homepage: null,
      size: 0,
      stargazers_count: 0,
      watchers_count: 0,
      language: null,
      has_issues: true,
      has_projects: true,
      has_downloads: true,
      has_wiki: false,
      has_pages: false,
      forks_count: 0,
      mirror_url: null,
      archived: false,
      disabled: false,
      open_issues_count: [...this.pulls.values()].filter(
        p => p.state === 'open',
      ).length,
      license: null,
      allow_forking: false,
      is_template: false,
      web_commit_signoff_required: false,
      topics: [],
      visibility: 'private',
      forks: 0,
      open_issues: 0,
      watchers: 0,
      default_branch: this.defaultBranch,
      permissions: {
        admin: true,
        maintain: true,
        push: true,
        triage: true,
        pull: true,
      },
      temp_clone_token: '',
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_rebase_merge: true,
      allow_auto_merge: false,
      delete_branch_on_merge: false,
      allow_update_branch: false,
      use_squash_pr_title_as_default: false,
      organization: this.userJson(this.owner),
      network_count: 0,
      subscribers_count: 0,
    };
  }

  private refJson(name: string, sha: string) {
    return {
      ref: `refs/${name}`,
      node_id: nodeId(name),
      url: this.repoApi(`/git/refs/${name}`),
      object: this.git.tags.has(sha)
        ? { sha, type: 'tag', url: this.repoApi(`/git/tags/${sha}`) }
        : {
            sha,
            type: 'commit',
            url: this.repoApi(`/git/commits/${sha}`),
          },
    };
  }

  private getTag(sha: string): Reply {
    const tag = this.git.tags.get(sha);
    if (!tag) return notFound();
    return {
      status: 200,
      body: {
        sha,
        tag: tag.tag,
        message: tag.message,
        url: this.repoApi(`/git/tags/${sha}`),
        object: {
          sha: tag.object,
          type: 'commit',
          url: this.repoApi(`/git/commits/${tag.object}`),
        },
      },
    };
  }

  private gitCommitJson(commit: CommitObject) {
    return {
      sha: commit.sha,
      node_id: nodeId(commit.sha),
      url: this.repoApi(`/git/commits/${commit.sha}`),
      html_url: this.html(`/commit/${commit.sha}`),
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: {
        sha: commit.tree,
        url: this.repoApi(`/git/trees/${commit.tree}`),
      },
      parents: commit.parents.map(sha => ({
        sha,
        url: this.repoApi(`/git/commits/${sha}`),
        html_url: this.html(`/commit/${sha}`),
      })),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
      },
    };
  }

  private commitJson(commit: CommitObject) {
    const login = (identity: GitIdentity) =>
      [...this.users.values()].find(u => u.email === identity.email)?.login;
    const author = login(commit.author);
    const committer = login(commit.committer);
    return {
      sha: commit.sha,
      node_id: nodeId(commit.sha),
      commit: {
        author: commit.author,
        committer: commit.committer,
        message: commit.message,
        tree: {
          sha: commit.tree,
          url: this.repoApi(`/git/trees/${commit.tree}`),
        },
        url: this.repoApi(`/git/commits/${commit.sha}`),
        comment_count: 0,
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
        },
      },
      url: this.repoApi(`/commits/${commit.sha}`),
      html_url: this.html(`/commit/${commit.sha}`),
      comments_url: this.repoApi(`/commits/${commit.sha}/comments`),
      author: author ? this.userJson(author) : null,
      committer: committer ? this.userJson(committer) : null,
      parents: commit.parents.map(sha => ({
        sha,
        url: this.repoApi(`/commits/${sha}`),
        html_url: this.html(`/commit/${sha}`),
      })),
    };
  }

  private headSha(pull: FakePull): string {
    return pull.closedHeadSha ?? this.git.resolveCommit(pull.headRef)!;
  }

  private branchJson(ref: string, sha: string) {
    return {
      label: `${this.owner}:${ref}`,
      ref,
      sha,
      user: this.userJson(this.owner),
      repo: this.repoJson(),
    };
  }

  private teamJson(slug: string) {
    return {
      id: this.userId(`team:${slug}`),
      node_id: nodeId(slug),
      url: this.api(`/orgs/${this.owner}/teams/${slug}`),
      html_url: `${this.webUrl}/orgs/${this.owner}/teams/${slug}`,
      name: slug,
      slug,
      description: null,
      privacy: 'closed',
      notification_setting: 'notifications_enabled',
      permission: 'push',
      members_url: this.api(
        `/orgs/${this.owner}/teams/${slug}/members{/member}`,
      ),
      repositories_url: this.api(`/orgs/${this.owner}/teams/${slug}/repos`),
      parent: null,
    };
  }

  private pullJson(pull: FakePull, full = true) {
    const headSha = this.headSha(pull);
    const n = pull.number;
    const base = {
      url: this.repoApi(`/pulls/${n}`),
      id: pull.id,
      node_id: nodeId(`pull${n}`),
      html_url: this.html(`/pull/${n}`),
      diff_url: this.html(`/pull/${n}.diff`),
      patch_url: this.html(`/pull/${n}.patch`),
      issue_url: this.repoApi(`/issues/${n}`),
      commits_url: this.repoApi(`/pulls/${n}/commits`),
      review_comments_url: this.repoApi(`/pulls/${n}/comments`),
      review_comment_url: this.repoApi('/pulls/comments{/number}'),
      comments_url: this.repoApi(`/issues/${n}/comments`),
      statuses_url: this.repoApi(`/statuses/${headSha}`),
      number: n,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.userJson(pull.user),
      body: pull.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: pull.requestedReviewers.map(l => this.userJson(l)),
      requested_teams: pull.requestedTeams.map(s => this.teamJson(s)),
      head: this.branchJson(pull.headRef, headSha),
      base: this.branchJson(pull.baseRef, pull.baseSha),
      _links: {
        self: { href: this.repoApi(`/pulls/${n}`) },
        html: { href: this.html(`/pull/${n}`) },
        issue: { href: this.repoApi(`/issues/${n}`) },
        comments: { href: this.repoApi(`/issues/${n}/comments`) },
        review_comments: { href: this.repoApi(`/pulls/${n}/comments`) },
        review_comment: { href: this.repoApi('/pulls/comments{/number}') },
        commits: { href: this.repoApi(`/pulls/${n}/commits`) },
        statuses: { href: this.repoApi(`/statuses/${headSha}`) },
      },
      author_association: 'MEMBER',
      auto_merge: null,
      draft: pull.draft,
    };
    if (!full) {
      return base;
    }
    const mergeability = this.mergeability(pull);
    const files = this.diffFiles(this.pullMergeBase(pull), headSha);
    return {
      ...base,
      merged: pull.merged,
      mergeable: mergeability.mergeable,
      rebaseable: mergeability.mergeable,
      mergeable_state: mergeability.state,
      merged_by: pull.mergedBy ? this.userJson(pull.mergedBy) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: this.git.commitsBetween(this.pullMergeBase(pull), headSha)
        .length,
      additions: files.reduce((sum, f) => sum + f.additions, 0),
      deletions: files.reduce((sum, f) => sum + f.deletions, 0),
      changed_files: files.length,
    };
  }

  private reviewJson(pull: FakePull, review: FakeReview) {
    return {
      id: review.id,
      node_id: nodeId(`review${review.id}`),
      user: this.userJson(review.user),
      body: review.body,
      state: review.state,
      html_url: this.html(
        `/pull/${pull.number}#pullrequestreview-${review.id}`,
      ),
      pull_request_url: this.repoApi(`/pulls/${pull.number}`),
      _links: {
        html: {
          href: this.html(
            `/pull/${pull.number}#pullrequestreview-${review.id}`,
          ),
        },
        pull_request: { href: this.repoApi(`/pulls/${pull.number}`) },
      },
      submitted_at: review.submittedAt,
      commit_id: review.commitId,
      author_association: 'MEMBER',
    };
  }

  private statusJson(sha: string, status: FakeStatus, withCreator = true) {
    return {
      url: this.repoApi(`/statuses/${sha}`),
      avatar_url: null,
      id: status.id,
      node_id: nodeId(`status${status.id}`),
      state: status.state,
      description: status.description,
      target_url: status.target_url,
      context: status.context,
      created_at: status.createdAt,
      updated_at: status.createdAt,
      ...(withCreator ? { creator: this.userJson(status.creator) } : {}),
    };
  }

  private contentJson(path: string, ref: string, type: string, sha: string) {
    const name = path.split('/').pop()!;
    const self = this.repoApi(`/contents/${path}?ref=${ref}`);
    const gitUrl =
      type === 'dir'
        ? this.repoApi(`/git/trees/${sha}`)
        : this.repoApi(`/git/blobs/${sha}`);
    const htmlUrl = this.html(
      `/${type === 'dir' ? 'tree' : 'blob'}/${ref}/${path}`,
    );
    return {
      name,
      path,
      sha,
      size: type === 'dir' ? 0 : this.git.blobs.get(sha)?.length ?? 0,
      url: self,
      html_url: htmlUrl,
      git_url: gitUrl,
      download_url:
        type === 'dir'
          ? null
          : `https://raw.githubusercontent.com/${this.owner}/${this.repo}/${ref}/${path}`,
      type,
      _links: { self, git: gitUrl, html: htmlUrl },
    };
  }

  // ---------------------------------------------------------------- repository and Git data

  private getRepo(_ctx: Ctx): Reply {
    return { status: 200, body: this.repoJson() };
  }

  private getRef(ref: string): Reply {
    const sha = this.git.refs.get(ref);
    return sha ? { status: 200, body: this.refJson(ref, sha) } : notFound();
  }

  private createRef(ctx: Ctx): Reply {
    const { ref, sha } = ctx.body ?? {};
    if (typeof ref !== 'string' || !/^refs\/[^/]+\/.+/.test(ref)) {
      return unprocessable('Reference name is invalid');
    }
    if (typeof sha !== 'string' || !this.git.commits.has(sha)) {
      return unprocessable('Object does not exist');
    }
    const name = ref.replace(/^refs\//, '');
    if (this.git.refs.has(name)) {
      return unprocessable('Reference already exists');
    }
    this.git.refs.set(name, sha);
    return { status: 201, body: this.refJson(name, sha) };
  }

  private deleteRef(ref: string): Reply {
    if (!this.git.refs.has(ref)) {
      return unprocessable('Reference does not exist');
    }
    this.git.refs.delete(ref);
    return { status: 204 };
  }

  private createBlob(ctx: Ctx): Reply {
    const { content, encoding = 'utf-8' } = ctx.body ?? {};
    if (typeof content !== 'string') {
      return validationFailed([
        { resource: 'Blob', field: 'content', code: 'missing_field' },
      ]);
    }
    if (encoding !== 'utf-8' && encoding !== 'base64') {
      return validationFailed([
        { resource: 'Blob', field: 'encoding', code: 'invalid' },
      ]);
    }
    const sha = this.git.putBlob(
      Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'),
    );
    return {
      status: 201,
      body: { url: this.repoApi(`/git/blobs/${sha}`), sha },
    };
  }

  private getBlob(sha: string): Reply {
    const blob = this.git.blobs.get(sha);
    if (!blob) {
      return notFound();
    }
    return {
      status: 200,
      body: {
        sha,
        node_id: nodeId(sha),
        size: blob.length,
        url: this.repoApi(`/git/blobs/${sha}`),
        content: wrapBase64(blob),
        encoding: 'base64',
      },
    };
  }

  private createTree(ctx: Ctx): Reply {
    const { tree, base_tree: baseTree } = ctx.body ?? {};
    if (!Array.isArray(tree)) {
      return validationFailed([
        { resource: 'Tree', field: 'tree', code: 'missing_field' },
      ]);
    }
    let flat: FlatTree = new Map();
    if (baseTree !== undefined) {
      if (!this.git.trees.has(baseTree)) {
        return unprocessable('Invalid tree info');
      }
      flat = this.git.flattenTree(baseTree);
    }
    for (const entry of tree) {
      const { path, mode, type } = entry ?? {};
      if (
        typeof path !== 'string' ||
        !path ||
        path.startsWith('/') ||
        path.split('/').some((s: string) => s === '' || s === '.' || s === '..')
      ) {
        return unprocessable(`tree.path contains a malformed path component`);
      }
      if (!MODES.includes(mode) || !['blob', 'tree', 'commit'].includes(type)) {
        return unprocessable('Invalid tree info');
      }
      const hasSha = 'sha' in entry;
      const hasContent = 'content' in entry;
      if (hasSha === hasContent) {
        return unprocessable(
          'Must supply either tree.sha or tree.content (but not both)',
        );
      }
      if (hasContent) {
        flat.set(path, {
          mode,
          sha: this.git.putBlob(String(entry.content)),
        });
      } else if (entry.sha === null) {
        const under = [...flat.keys()].filter(p => p.startsWith(`${path}/`));
        if (!flat.has(path) && under.length === 0) {
          return unprocessable('GitRPC::BadObjectState');
        }
        flat.delete(path);
        under.forEach(p => flat.delete(p));
      } else {
        if (!this.git.blobs.has(entry.sha)) {
          return unprocessable('Invalid tree info');
        }
        flat.set(path, { mode, sha: entry.sha });
      }
    }
    const sha = this.git.writeFlatTree(flat);
    return { status: 201, body: this.treeJson(sha, false).body };
  }

  private treeJson(treeSha: string, recursive: boolean): Reply {
    const items: any[] = [];
    const walk = (sha: string, prefix: string) => {
      for (const item of this.git.trees.get(sha)!) {
        const path = prefix ? `${prefix}/${item.name}` : item.name;
        items.push({
          path,
          mode: item.mode,
          type: item.type,
          sha: item.sha,
          ...(item.type === 'blob'
            ? {
                size: this.git.blobs.get(item.sha)?.length ?? 0,
                url: this.repoApi(`/git/blobs/${item.sha}`),
              }
            : { url: this.repoApi(`/git/trees/${item.sha}`) }),
        });
        if (recursive && item.type === 'tree') {
          walk(item.sha, path);
        }
      }
    };
    walk(treeSha, '');
    const truncated = items.length > this.options.treeEntryLimit;
    return {
      status: 200,
      body: {
        sha: treeSha,
        url: this.repoApi(`/git/trees/${treeSha}`),
        tree: truncated ? items.slice(0, this.options.treeEntryLimit) : items,
        truncated,
      },
    };
  }

  private getTree(ctx: Ctx, treeish: string): Reply {
    let treeSha: string | undefined = this.git.trees.has(treeish)
      ? treeish
      : undefined;
    if (!treeSha) {
      const commit = this.git.resolveCommit(treeish);
      treeSha = commit && this.git.commits.get(commit)!.tree;
    }
    if (!treeSha) {
      return notFound();
    }
    const recursive = ctx.query.has('recursive');
    return this.treeJson(treeSha, recursive);
  }

  private createCommit(ctx: Ctx): Reply {
    const { message, tree, parents = [], author, committer } = ctx.body ?? {};
    if (typeof message !== 'string') {
      return validationFailed([
        { resource: 'Commit', field: 'message', code: 'missing_field' },
      ]);
    }
    if (!this.git.trees.has(tree)) {
      return unprocessable('Tree SHA does not exist');
    }
    if (!parents.every((p: string) => this.git.commits.has(p))) {
      return unprocessable(
        'Parent SHA does not exist or is not a commit object',
      );
    }
    const now = new Date().toISOString();
    const self = {
      name: ctx.user!.name ?? ctx.user!.login,
      email: ctx.user!.email ?? `${ctx.user!.login}@users.noreply.github.com`,
      date: now,
    };
    // GitHub: committer defaults to the author, the author to the authenticated user
    const authorIdentity = author
      ? { name: author.name, email: author.email, date: author.date ?? now }
      : self;
    const committerIdentity = committer
      ? {
          name: committer.name,
          email: committer.email,
          date: committer.date ?? now,
        }
      : authorIdentity;
    const sha = this.git.putCommit({
      tree,
      parents,
      author: authorIdentity,
      committer: committerIdentity,
      message,
    });
    return {
      status: 201,
      body: this.gitCommitJson(this.git.commits.get(sha)!),
    };
  }

  private getGitCommit(sha: string): Reply {
    const commit = this.git.commits.get(sha);
    return commit
      ? { status: 200, body: this.gitCommitJson(commit) }
      : notFound();
  }

  private getContent(ctx: Ctx, rawPath: string): Reply {
    const path = rawPath.replace(/\/$/, '');
    const ref = ctx.query.get('ref') ?? this.defaultBranch;
    const commit = this.git.resolveCommit(ref);
    if (!commit) {
      return notFound(`No commit found for the ref ${ref}`);
    }
    const flat = this.git.flattenCommit(commit);
    const file = flat.get(path);
    if (file) {
      const blob = this.git.blobs.get(file.sha)!;
      const large = blob.length > this.options.largeFileThreshold;
      return {
        status: 200,
        body: {
          ...this.contentJson(path, ref, 'file', file.sha),
          content: large ? '' : wrapBase64(blob),
          encoding: large ? 'none' : 'base64',
        },
      };
    }
    const prefix = path ? `${path}/` : '';
    const children = new Map<string, { type: string; sha: string }>();
    for (const [p, entry] of flat) {
      if (p.startsWith(prefix)) {
        const [name, ...rest] = p.slice(prefix.length).split('/');
        children.set(name, {
          type: rest.length ? 'dir' : 'file',
          sha: rest.length ? '' : entry.sha,
        });
      }
    }
    if (children.size === 0) {
      return notFound();
    }
    const rootTree = this.git.commits.get(commit)!.tree;
    return {
      status: 200,
      body: [...children].map(([name, child]) =>
        this.contentJson(
          `${prefix}${name}`,
          ref,
          child.type,
          child.sha || this.subtreeSha(rootTree, `${prefix}${name}`)!,
        ),
      ),
    };
  }

  private subtreeSha(root: string, path: string): string | undefined {
    let sha: string | undefined = root;
    for (const segment of path.split('/')) {
      sha = this.git.trees
        .get(sha!)
        ?.find(i => i.name === segment && i.type === 'tree')?.sha;
      if (!sha) {
        return undefined;
      }
    }
    return sha;
  }

  /** Files differing between two commits, in the shape of compare / pull files entries. */
  private diffFiles(fromCommit: string, toCommit: string) {
    const before = this.git.flattenCommit(fromCommit);
    const after = this.git.flattenCommit(toCommit);
    const removed = [...before.keys()].filter(p => !after.has(p));
    const added = [...after.keys()].filter(p => !before.has(p));
    const renamedFrom = new Map<string, string>();
    for (const path of added) {
      const source = removed.find(
        p =>
          before.get(p)!.sha === after.get(path)!.sha &&
          ![...renamedFrom.values()].includes(p),
      );
      if (source) {
        renamedFrom.set(path, source);
      }
    }
    const lines = (sha?: string) =>
      sha ? this.git.blobs.get(sha)!.toString('utf8').split('\n') : [];
    const files: Array<{
      sha: string | null;
      filename: string;
      status: 'added' | 'removed' | 'modified' | 'renamed';
      additions: number;
      deletions: number;
      changes: number;
      blob_url: string;
      raw_url: string;
      contents_url: string;
      patch?: string;
      previous_filename?: string;
    }> = [];
    const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
    for (const path of paths) {
      const b = before.get(path)?.sha;
      const a = after.get(path)?.sha;
      if (a === b || [...renamedFrom.values()].includes(path)) {
        continue;
      }
      const oldLines = lines(renamedFrom.has(path) ? undefined : b);
      const newLines = lines(renamedFrom.has(path) ? undefined : a);
      const additions = newLines.filter(l => !oldLines.includes(l)).length;
      const deletions = oldLines.filter(l => !newLines.includes(l)).length;
      const ref = a ? toCommit : fromCommit;
      files.push({
        sha: a ?? b ?? null,
        filename: path,
        status: fileStatus(renamedFrom.has(path), b, a),
        additions,
        deletions,
        changes: additions + deletions,
        blob_url: this.html(`/blob/${ref}/${path}`),
        raw_url: this.html(`/raw/${ref}/${path}`),
        contents_url: this.repoApi(`/contents/${path}?ref=${ref}`),
        patch: `@@ -1,${deletions} +1,${additions} @@`,
        ...(renamedFrom.has(path)
          ? { previous_filename: renamedFrom.get(path) }
          : {}),
      });
    }
    return files;
  }

  private compare(ctx: Ctx, baseRef: string, headRef: string): Reply {
    const base = this.git.resolveCommit(baseRef);
    const head = this.git.resolveCommit(headRef);
    if (!base || !head) {
      return notFound();
    }
    const mergeBase = this.git.mergeBase(base, head);
    if (!mergeBase) {
      return notFound(`No common ancestor between ${baseRef} and ${headRef}.`);
    }
    const ahead = this.git.commitsBetween(base, head);
    const behind = this.git.commitsBetween(head, base);
    let status = 'diverged';
    if (!ahead.length && !behind.length) {
      status = 'identical';
    } else if (!behind.length) {
      status = 'ahead';
    } else if (!ahead.length) {
      status = 'behind';
    }
    const commits = this.git
      .commitsBetween(mergeBase, head)
      .map(c => this.commitJson(c));
    // Without paging parameters GitHub answers the first 250 commits; with them, pages of commits.
    // Either way the changed files (at most 300 for the whole comparison) come on the first page only.
    const paging = ctx.query.has('per_page') || ctx.query.has('page');
    const page = Number(ctx.query.get('page')) || 1;
    const pageReply = paging
      ? this.paginate(ctx, commits)
      : { status: 200, body: commits.slice(0, 250) };
    const files =
      page === 1 ? this.diffFiles(mergeBase, head).slice(0, 300) : [];
    const u = (p: string) => this.repoApi(p);
    return {
      status: 200,
      headers: pageReply.headers,
      body: {
        url: u(`/compare/${baseRef}...${headRef}`),
        html_url: this.html(`/compare/${baseRef}...${headRef}`),
        permalink_url: this.html(
          `/compare/${this.owner}:${base}...${this.owner}:${head}`,
        ),
        diff_url: this.html(`/compare/${baseRef}...${headRef}.diff`),
        patch_url: this.html(`/compare/${baseRef}...${headRef}.patch`),
        base_commit: this.commitJson(this.git.commits.get(base)!),
        merge_base_commit: this.commitJson(this.git.commits.get(mergeBase)!),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: commits.length,
        commits: pageReply.body,
        files,
      },
    };
  }

  private getProtection(branch: string): Reply {
    const protection = this.protections.get(branch);
    if (!protection) {
      return notFound('Branch not protected');
    }
    if (protection.readable === false) {
      return {
        status: 403,
        body: {
          message: 'Resource not accessible by integration',
          documentation_url: DOCS,
        },
      };
    }
    const url = this.repoApi(`/branches/${branch}/protection`);
    return {
      status: 200,
      body: {
        url,
        required_status_checks: protection.requiredStatusChecks
          ? {
              url: `${url}/required_status_checks`,
              strict: false,
              contexts: protection.requiredStatusChecks,
              contexts_url: `${url}/required_status_checks/contexts`,
              checks: protection.requiredStatusChecks.map(context => ({
                context,
                app_id: null,
              })),
            }
          : undefined,
        required_pull_request_reviews:
          protection.requiredApprovingReviewCount !== undefined
            ? {
                url: `${url}/required_pull_request_reviews`,
                dismiss_stale_reviews: protection.dismissStaleReviews ?? false,
                require_code_owner_reviews:
                  protection.requireCodeOwnerReviews ?? false,
                required_approving_review_count:
                  protection.requiredApprovingReviewCount,
                require_last_push_approval: false,
              }
            : undefined,
        required_signatures: {
          url: `${url}/required_signatures`,
          enabled: false,
        },
        enforce_admins: { url: `${url}/enforce_admins`, enabled: false },
        required_linear_history: { enabled: false },
        allow_force_pushes: { enabled: false },
        allow_deletions: { enabled: false },
        block_creations: { enabled: false },
        required_conversation_resolution: { enabled: false },
        lock_branch: { enabled: false },
        allow_fork_syncing: { enabled: false },
      },
    };
  }

  // ---------------------------------------------------------------- statuses and checks

  private createStatus(ctx: Ctx, sha: string): Reply {
    if (!this.git.commits.has(sha)) {
      return unprocessable(`No commit found for SHA: ${sha}`);
    }
    const {
      state,
      target_url = null,
      description = null,
      context = 'default',
    } = ctx.body ?? {};
    if (!['error', 'failure', 'pending', 'success'].includes(state)) {
      return validationFailed([
        {
          resource: 'Status',
          field: 'state',
          code: 'custom',
          message: 'state is not included in the list',
        },
      ]);
    }
    const status: FakeStatus = {
      id: this.nextId++,
      state,
      target_url,
      description,
      context,
      creator: ctx.user!.login,
      createdAt: new Date().toISOString(),
    };
    this.statuses.set(sha, [status, ...(this.statuses.get(sha) ?? [])]);
    return { status: 201, body: this.statusJson(sha, status) };
  }

  private latestStatuses(sha: string): FakeStatus[] {
    const seen = new Set<string>();
    return (this.statuses.get(sha) ?? []).filter(s => {
      if (seen.has(s.context)) {
        return false;
      }
      seen.add(s.context);
      return true;
    });
  }

  private combinedState(sha: string): string {
    const latest = this.latestStatuses(sha);
    if (latest.some(s => s.state === 'error' || s.state === 'failure')) {
      return 'failure';
    }
    if (latest.length === 0 || latest.some(s => s.state === 'pending')) {
      return 'pending';
    }
    return 'success';
  }

  private combinedStatus(ref: string): Reply {
    const sha = this.git.resolveCommit(ref);
    if (!sha) {
      return unprocessable(`No commit found for SHA: ${ref}`);
    }
    const latest = this.latestStatuses(sha);
    return {
      status: 200,
      body: {
        state: this.combinedState(sha),
        statuses: latest.map(s => this.statusJson(sha, s, false)),
        sha,
        total_count: latest.length,
        repository: this.minimalRepoJson(),
        commit_url: this.repoApi(`/commits/${sha}`),
        url: this.repoApi(`/commits/${sha}/status`),
      },
    };
  }

  private listCheckRuns(ref: string): Reply {
    const sha = this.git.resolveCommit(ref);
    if (!sha) {
      return unprocessable(`No commit found for SHA: ${ref}`);
    }
    const runs = this.checkRuns.get(sha) ?? [];
    return {
      status: 200,
      body: {
        total_count: runs.length,
        check_runs: runs.map((run, i) => ({
          id: 5000 + i,
          head_sha: sha,
          node_id: nodeId(`check${i}`),
          external_id: '',
          url: this.repoApi(`/check-runs/${5000 + i}`),
          html_url: this.html(`/runs/${5000 + i}`),
          details_url: run.details_url ?? null,
          status: run.status,
          conclusion: run.conclusion ?? null,
          started_at: '2024-01-01T00:00:00Z',
          completed_at:
            run.status === 'completed' ? '2024-01-01T00:01:00Z' : null,
          output: {
            title: run.name,
            summary: run.summary ?? null,
            text: null,
            annotations_count: 0,
            annotations_url: this.repoApi(
              `/check-runs/${5000 + i}/annotations`,
            ),
          },
          name: run.name,
          check_suite: { id: 7000 + i },
          app: null,
          pull_requests: [],
        })),
      },
    };
  }

  // ---------------------------------------------------------------- pull requests

  private withPull(number: string, fn: (pull: FakePull) => Reply): Reply {
    const pull = this.pulls.get(Number(number));
    return pull ? fn(pull) : notFound();
  }

  private pullMergeBase(pull: FakePull): string {
    const base = pull.merged
      ? pull.baseSha
      : this.git.resolveCommit(pull.baseRef) ?? pull.baseSha;
    return this.git.mergeBase(base, this.headSha(pull)) ?? base;
  }

  private createPull(ctx: Ctx): Reply {
    const { title, head, base, body = null, draft = false } = ctx.body ?? {};
    if (typeof title !== 'string' || !title) {
      return validationFailed([
        { resource: 'PullRequest', code: 'missing_field', field: 'title' },
      ]);
    }
    const headRef = String(head ?? '').replace(
      new RegExp(`^${this.owner}:`),
      '',
    );
    const baseSha = this.git.refs.get(`heads/${base}`);
    if (!baseSha) {
      return validationFailed([
        { resource: 'PullRequest', field: 'base', code: 'invalid' },
      ]);
    }
    const headSha = this.git.refs.get(`heads/${headRef}`);
    if (!headSha) {
      return validationFailed([
        { resource: 'PullRequest', field: 'head', code: 'invalid' },
      ]);
    }
    const existing = [...this.pulls.values()].find(
      p => p.state === 'open' && p.headRef === headRef && p.baseRef === base,
    );
    if (existing) {
      return validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `A pull request already exists for ${this.owner}:${headRef}.`,
        },
      ]);
    }
    if (this.git.commitsBetween(baseSha, headSha).length === 0) {
      return validationFailed([
        {
          resource: 'PullRequest',
          code: 'custom',
          message: `No commits between ${base} and ${headRef}`,
        },
      ]);
    }
    const now = new Date().toISOString();
    const number = this.pulls.size + 1;
    const pull: FakePull = {
      number,
      id: this.nextId++,
      title,
      body,
      state: 'open',
      draft: Boolean(draft),
      user: ctx.user!.login,
      headRef,
      baseRef: base,
      baseSha,
      merged: false,
      mergedAt: null,
      mergeCommitSha: null,
      closedAt: null,
      createdAt: now,
      updatedAt: now,
      requestedReviewers: [],
      requestedTeams: [],
      pendingReads: this.options.mergeabilityPendingReads,
    };
    this.pulls.set(number, pull);
    return { status: 201, body: this.pullJson(pull) };
  }

  private listPulls(ctx: Ctx): Reply {
    const state = ctx.query.get('state') ?? 'open';
    const pulls = [...this.pulls.values()]
      .filter(p => state === 'all' || p.state === state)
      .sort((a, b) => b.number - a.number)
      .map(p => this.pullJson(p, false));
    return this.paginate(ctx, pulls);
  }

  private updatePull(ctx: Ctx, pull: FakePull): Reply {
    const { title, body, state } = ctx.body ?? {};
    if (state !== undefined && state !== 'open' && state !== 'closed') {
      return validationFailed([
        { resource: 'PullRequest', field: 'state', code: 'invalid' },
      ]);
    }
    if (title !== undefined) pull.title = title;
    if (body !== undefined) pull.body = body;
    if (state === 'closed' && pull.state === 'open') {
      pull.closedHeadSha = this.headSha(pull);
      pull.state = 'closed';
      pull.closedAt = new Date().toISOString();
    }
    pull.updatedAt = new Date().toISOString();
    return { status: 200, body: this.pullJson(pull) };
  }

  private listPullFiles(ctx: Ctx, pull: FakePull): Reply {
    // GitHub lists at most 3000 files of a pull request, 30 (up to 100) per page
    const files = this.diffFiles(this.pullMergeBase(pull), this.headSha(pull));
    return this.paginate(ctx, files.slice(0, 3000));
  }

  private requestReviewers(ctx: Ctx, pull: FakePull): Reply {
    const { reviewers = [], team_reviewers: teamReviewers = [] } =
      ctx.body ?? {};
    const known = new Set([...this.users.values()].map(u => u.login));
    if (reviewers.includes(pull.user)) {
      return unprocessable(
        'Review cannot be requested from pull request author.',
      );
    }
    const unknownUser = reviewers.some((r: string) => !known.has(r));
    const unknownTeam = teamReviewers.some(
      (t: string) => !this.teams.has(`${this.owner}/${t}`.toLowerCase()),
    );
    if (unknownUser || unknownTeam) {
      return unprocessable(
        `Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the ${this.owner}/${this.repo} repository.`,
      );
    }
    pull.requestedReviewers = [
      ...new Set([...pull.requestedReviewers, ...reviewers]),
    ];
    pull.requestedTeams = [
      ...new Set([...pull.requestedTeams, ...teamReviewers]),
    ];
    return { status: 201, body: this.pullJson(pull, false) };
  }

  private createReview(ctx: Ctx, pull: FakePull): Reply {
    const { event, body = '', commit_id: commitId } = ctx.body ?? {};
    const states: Record<string, FakeReview['state']> = {
      APPROVE: 'APPROVED',
      REQUEST_CHANGES: 'CHANGES_REQUESTED',
      COMMENT: 'COMMENTED',
    };
    if (!states[event]) {
      return validationFailed([
        { resource: 'PullRequestReview', field: 'event', code: 'invalid' },
      ]);
    }
    if (pull.state !== 'open') {
      return unprocessable('Unprocessable Entity', [
        'Can not review a closed pull request',
      ]);
    }
    if (ctx.user!.login === pull.user && event !== 'COMMENT') {
      return unprocessable('Unprocessable Entity', [
        event === 'APPROVE'
          ? 'Can not approve your own pull request'
          : 'Can not request changes on your own pull request',
      ]);
    }
    if (event !== 'APPROVE' && !body) {
      return unprocessable('Unprocessable Entity', [
        `Review Body is required when using the ${event} event`,
      ]);
    }
    const review: FakeReview = {
      id: this.nextId++,
      user: ctx.user!.login,
      body,
      state: states[event],
      commitId: commitId ?? this.headSha(pull),
      submittedAt: new Date().toISOString(),
    };
    this.reviews.set(pull.number, [
      ...(this.reviews.get(pull.number) ?? []),
      review,
    ]);
    pull.requestedReviewers = pull.requestedReviewers.filter(
      r => r !== review.user,
    );
    return { status: 200, body: this.reviewJson(pull, review) };
  }

  /** GitHub's own view: mergeable is null until computed after each change. */
  private mergeability(pull: FakePull): {
    mergeable: boolean | null;
    state: string;
  } {
    if (pull.state !== 'open') {
      return { mergeable: null, state: 'unknown' };
    }
    const baseTip = this.git.resolveCommit(pull.baseRef)!;
    const headSha = this.headSha(pull);
    const key = `${baseTip}:${headSha}`;
    if (pull.mergeabilityKey !== key) {
      pull.mergeabilityKey = key;
      pull.pendingReads = this.options.mergeabilityPendingReads;
    }
    if (pull.pendingReads > 0) {
      pull.pendingReads -= 1;
      return { mergeable: null, state: 'unknown' };
    }
    const mergeBase = this.git.mergeBase(baseTip, headSha)!;
    if ('conflicts' in this.git.mergeTrees(mergeBase, baseTip, headSha)) {
      return { mergeable: false, state: 'dirty' };
    }
    if (pull.draft) {
      return { mergeable: true, state: 'draft' };
    }
    if (this.protectionBlocks(pull)) {
      return { mergeable: true, state: 'blocked' };
    }
    if (this.combinedState(headSha) === 'failure') {
      return { mergeable: true, state: 'unstable' };
    }
    return { mergeable: true, state: 'clean' };
  }

  private protectionBlocks(pull: FakePull): string | undefined {
    const protection = this.protections.get(pull.baseRef);
    if (!protection) {
      return undefined;
    }
    const latest = new Map<string, FakeReview>();
    for (const review of this.reviews.get(pull.number) ?? []) {
      if (review.state !== 'COMMENTED') {
        latest.set(review.user, review);
      }
    }
    const approvals = [...latest.values()].filter(
      r =>
        r.state === 'APPROVED' &&
        (!protection.dismissStaleReviews || r.commitId === this.headSha(pull)),
    ).length;
    const required = protection.requiredApprovingReviewCount ?? 0;
    if (approvals < required) {
      return `At least ${required} approving review${
        required === 1 ? ' is' : 's are'
      } required by reviewers with write access.`;
    }
    const headSha = this.headSha(pull);
    for (const context of protection.requiredStatusChecks ?? []) {
      const status = this.latestStatuses(headSha).find(
        s => s.context === context,
      );
      if (status?.state !== 'success') {
        return `Required status check "${context}" is ${
          status ? 'failing' : 'expected'
        }.`;
      }
    }
    return undefined;
  }

  private mergePull(ctx: Ctx, pull: FakePull): Reply {
    const {
      sha,
      merge_method: method = 'merge',
      commit_title: title,
      commit_message: message,
    } = ctx.body ?? {};
    if (pull.state !== 'open') {
      return methodNotAllowed('Pull Request is not mergeable');
    }
    const headSha = this.headSha(pull);
    if (sha && sha !== headSha) {
      return {
        status: 409,
        body: {
          message: 'Head branch was modified. Review and try the merge again.',
          documentation_url: DOCS,
        },
      };
    }
    const blocked = this.protectionBlocks(pull);
    if (blocked) {
      return methodNotAllowed(blocked);
    }
    const baseTip = this.git.resolveCommit(pull.baseRef)!;
    const mergeBase = this.git.mergeBase(baseTip, headSha)!;
    const merged = this.git.mergeTrees(mergeBase, baseTip, headSha);
    if ('conflicts' in merged) {
      return methodNotAllowed('Pull Request is not mergeable');
    }
    const user = ctx.user!;
    const identity = {
      name: user.name ?? user.login,
      email: user.email ?? `${user.login}@users.noreply.github.com`,
      date: new Date().toISOString(),
    };
    const mergeSha = this.git.putCommit({
      tree: this.git.writeFlatTree(merged.tree),
      parents: method === 'merge' ? [baseTip, headSha] : [baseTip],
      author: identity,
      committer: {
        name: 'GitHub',
        email: 'noreply@github.com',
        date: identity.date,
      },
      message: [
        title ??
          `Merge pull request #${pull.number} from ${this.owner}/${pull.headRef}`,
        message ?? pull.title,
      ].join('\n\n'),
    });
    this.git.refs.set(`heads/${pull.baseRef}`, mergeSha);
    pull.closedHeadSha = headSha;
    pull.baseSha = baseTip;
    pull.state = 'closed';
    pull.merged = true;
    pull.mergedBy = user.login;
    pull.mergedAt = identity.date;
    pull.closedAt = identity.date;
    pull.updatedAt = identity.date;
    pull.mergeCommitSha = mergeSha;
    return {
      status: 200,
      body: {
        sha: mergeSha,
        merged: true,
        message: 'Pull Request successfully merged',
      },
    };
  }

  private teamMembership(org: string, slug: string, username: string): Reply {
    const members = this.teams.get(`${org}/${slug}`.toLowerCase());
    if (!members?.has(username)) {
      return notFound();
    }
    return {
      status: 200,
      body: {
        url: this.api(`/orgs/${org}/teams/${slug}/memberships/${username}`),
        role: 'member',
        state: 'active',
      },
    };
  }
}

function fileStatus(
  renamed: boolean,
  before: string | undefined,
  after: string | undefined,
): 'added' | 'removed' | 'modified' | 'renamed' {
  if (renamed) return 'renamed';
  if (!before) return 'added';
  return after ? 'modified' : 'removed';
}

function notFound(message = 'Not Found'): Reply {
  return { status: 404, body: { message, documentation_url: DOCS } };
}

function unprocessable(message: string, errors?: unknown[]): Reply {
  return {
    status: 422,
    body: { message, ...(errors ? { errors } : {}), documentation_url: DOCS },
  };
}

function validationFailed(errors: unknown[]): Reply {
  return unprocessable('Validation Failed', errors);
}

function methodNotAllowed(message: string): Reply {
  return { status: 405, body: { message, documentation_url: DOCS } };
}

function nodeId(seed: string): string {
  return Buffer.from(`fake:${seed}`).toString('base64');
}

/** GitHub wraps base64 content at 60 characters per line. */
function wrapBase64(data: Buffer): string {
  return `${data.toString('base64').replace(/(.{60})/g, '$1\n')}\n`;
}
