/*
 * A small stateful stand-in for GitLab's REST API v4, for tests. It listens on 127.0.0.1:0 and
 * answers the endpoints the GitLab provider uses with the JSON shapes and status codes of
 * GitLab's API documentation (projects addressed by numeric id or URL-encoded path, offset and
 * keyset pagination with Link headers, `{"message": ...}` errors). It keeps a real little commit
 * graph, so commits, compares, merge-request diffs, conflicts and merges behave like Git, and it
 * records every request so a test can assert the exact calls a provider made.
 */
import { createHash } from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/** the users a fake knows unless told otherwise, by token: the integration's bot, alice, bob */
export const DEFAULT_GITLAB_USERS: Readonly<Record<string, FakeGitlabUser>> = {
  'bot-token': {
    id: 1,
    username: 'butler-bot',
    name: 'Butler Bot',
    email: 'bot@example.com',
  },
  'alice-token': {
    id: 2,
    username: 'alice',
    name: 'Alice Liddell',
    email: 'alice@example.com',
  },
  'bob-token': {
    id: 3,
    username: 'bob',
    name: 'Bob Builder',
    email: 'bob@example.com',
  },
};

export interface FakeGitlabUser {
  id: number;
  username: string;
  name: string;
  email: string;
  /** may merge into the default branch; default true */
  canMerge?: boolean;
}

export interface RecordedRequest {
  method: string;
  /** route template, e.g. `POST /projects/:id/repository/commits` (undefined: no route) */
  route?: string;
  /** path below /api/v4 exactly as sent (project paths stay URL-encoded) */
  rawPath: string;
  /** decoded route parameters */
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  /** username behind the token, if it was valid */
  user?: string;
  headers: http.IncomingHttpHeaders;
}

export interface InjectedFailure {
  method?: string;
  /** route template (`PUT /projects/:id/merge_requests/:iid/merge`) or a RegExp on rawPath */
  route: string | RegExp;
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** how many matching requests fail; default 1 */
  times?: number;
}

export interface FakeGitlabOptions {
  projectId?: number;
  projectPath?: string;
  defaultBranch?: string;
  /** `premium` answers approvals with the Premium shape; `free` with the basic one */
  tier?: 'premium' | 'free';
  /** Premium approval rule; default 1 */
  approvalsRequired?: number;
  /** initial files of the default branch (text, or bytes for a binary file) */
  files?: Record<string, FileData>;
  /** token -> user; default: `bot-token` (butler-bot), `alice-token`, `bob-token` */
  users?: Record<string, FakeGitlabUser>;
  /** status GitLab answers for a merge with conflicts: 406 (documented) or 405 (newer) */
  conflictStatus?: 405 | 406;
}

/**
 * A file's content: text, or a Buffer for bytes that are not valid UTF-8 (see `fileData`), so
 * binary files keep their exact bytes and text files compare as strings.
 */
export type FileData = string | Buffer;

interface Commit {
  id: string;
  parent_ids: string[];
  files: Map<string, FileData>;
  message: string;
  author_name: string;
  author_email: string;
  committer_name: string;
  committer_email: string;
  created_at: string;
}

interface Status {
  id: number;
  sha: string;
  ref: string | null;
  status: string;
  name: string;
  target_url: string | null;
  description: string | null;
  created_at: string;
  author: object;
}

interface Note {
  id: number;
  body: string;
  author: FakeGitlabUser;
  created_at: string;
  system: boolean;
}

interface MergeRequest {
  id: number;
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  source_branch: string;
  target_branch: string;
  author: FakeGitlabUser;
  created_at: string;
  updated_at: string;
  merged_at: string | null;
  closed_at: string | null;
  merged_by: FakeGitlabUser | null;
  merge_commit_sha: string | null;
  force_remove_source_branch: boolean;
  draft: boolean;
  approvals: Array<{ user: FakeGitlabUser; approved_at: string }>;
  notes: Note[];
  reviewers: Array<{ user: FakeGitlabUser; state: string; created_at: string }>;
  /** frozen at merge/close so a gone branch still answers */
  frozenHead?: string;
  frozenBase?: string;
}

class HttpError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`HTTP ${status}`);
  }
}

/** a handler's answer that GitLab sends as 201 Created */
class Response201 {
  constructor(readonly payload: unknown) {}
}

const notFound = (what: string) =>
  new HttpError(404, { message: `404 ${what} Not Found` });

function sha1(text: string) {
  return createHash('sha1').update(text).digest('hex');
}

/** one form per content: text when the bytes are valid UTF-8, else the bytes */
function fileData(content: FileData): FileData {
  if (typeof content === 'string') return content;
  const text = content.toString('utf8');
  return Buffer.from(text, 'utf8').equals(content) ? text : Buffer.from(content);
}

function bytesOf(content: FileData): Buffer {
  return typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
}

function sameData(a: FileData | undefined, b: FileData | undefined) {
  if (a === undefined || b === undefined) return a === b;
  return typeof a === 'string' || typeof b === 'string'
    ? a === b
    : a.equals(b);
}

/** git's blob id for the content */
export function gitBlobId(content: FileData) {
  const bytes = bytesOf(content);
  return createHash('sha1')
    .update(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]))
    .digest('hex');
}

function publicUser(user: FakeGitlabUser, baseUrl: string) {
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    state: 'active',
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl}/${user.username}`,
  };
}

type Handler = (ctx: {
  params: Record<string, string>;
  query: Record<string, string>;
  body: any;
  user: FakeGitlabUser;
  req: http.IncomingMessage;
  res: http.ServerResponse;
}) => unknown;

export class FakeGitlabServer {
  readonly requests: RecordedRequest[] = [];
  readonly projectId: number;
  readonly projectPath: string;
  readonly defaultBranch: string;
  tier: 'premium' | 'free';
  approvalsRequired: number;
  /** premium: a push to the source branch drops approvals (GitLab's default setting) */
  resetApprovalsOnPush = true;
  /** answer `/approvals` with this status instead (e.g. 403 or 404 on some Free instances) */
  approvalsEndpointStatus?: number;
  /** answer `/reviewers` with 404, as GitLab before the endpoint existed */
  reviewersEndpointMissing = false;
  conflictStatus: 405 | 406;

  private server?: http.Server;
  private base = '';
  private readonly users: Record<string, FakeGitlabUser>;
  private readonly commits = new Map<string, Commit>();
  private readonly branches = new Map<string, string>();
  /** tag name → the commit it points at (the tags API answers it peeled) */
  private readonly tags = new Map<string, { commit: string; message?: string }>();
  private readonly mergeRequests: MergeRequest[] = [];
  private readonly statuses: Status[] = [];
  private failures: InjectedFailure[] = [];
  private clock = Date.parse('2025-01-01T00:00:00Z');
  private ids = 1000;
  private readonly routes: Array<{
    method: string;
    template: string[];
    route: string;
    handler: Handler;
  }> = [];

  static async start(
    options: FakeGitlabOptions = {},
  ): Promise<FakeGitlabServer> {
    const fake = new FakeGitlabServer(options);
    await fake.listen();
    return fake;
  }

  private constructor(options: FakeGitlabOptions) {
    this.projectId = options.projectId ?? 42;
    this.projectPath = options.projectPath ?? 'butler/platform';
    this.defaultBranch = options.defaultBranch ?? 'main';
    this.tier = options.tier ?? 'premium';
    this.approvalsRequired = options.approvalsRequired ?? 1;
    this.conflictStatus = options.conflictStatus ?? 406;
    this.users = options.users ?? DEFAULT_GITLAB_USERS;
    const root = this.addCommit(
      [],
      new Map(
        Object.entries(options.files ?? { 'README.md': '# platform\n' }).map(
          ([path, content]) => [path, fileData(content)],
        ),
      ),
      {
        message: 'Initial commit',
        name: 'Butler Bot',
        email: 'bot@example.com',
      },
    );
    this.branches.set(this.defaultBranch, root.id);
    this.defineRoutes();
  }

  /** web base URL to give the provider (`baseUrl`) */
  get baseUrl() {
    return this.base;
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => this.server?.close(() => resolve()));
  }

  // ---- test helpers ----------------------------------------------------------------------

  failNext(failure: InjectedFailure) {
    this.failures.push({ times: 1, ...failure });
  }

  requestsTo(route: string) {
    return this.requests.filter(r => r.route === route);
  }

  /** creates a tag (annotated when it has a message) at a branch or commit */
  tag(name: string, ref: string, message?: string) {
    const commit = this.resolve(ref);
    if (!commit) throw new Error(`no commit for ${ref}`);
    this.tags.set(name, { commit, message });
  }

  branchHead(branch: string) {
    return this.branches.get(branch);
  }

  commit(sha: string) {
    return this.commits.get(sha);
  }

  fileAt(ref: string, path: string) {
    const sha = this.resolve(ref);
    return sha ? this.commits.get(sha)!.files.get(path) : undefined;
  }

  mergeRequest(iid: number) {
    return this.mergeRequests.find(mr => mr.iid === iid);
  }

  /**
   * A direct push (e.g. someone else changed the default branch); null deletes a file. A new
   * branch starts from the default branch, as `git checkout -b` would.
   */
  push(
    branch: string,
    files: Record<string, FileData | null>,
    message = 'direct push',
  ) {
    const parent =
      this.branches.get(branch) ?? this.branches.get(this.defaultBranch);
    const tree = new Map(parent ? this.commits.get(parent)!.files : []);
    for (const [path, content] of Object.entries(files)) {
      if (content === null) tree.delete(path);
      else tree.set(path, fileData(content));
    }
    const commit = this.addCommit(parent ? [parent] : [], tree, {
      message,
      name: 'Someone Else',
      email: 'someone@example.com',
    });
    this.moveBranch(branch, commit.id);
    return commit.id;
  }

  setReviewerState(iid: number, token: string, state: string) {
    const mr = this.mergeRequest(iid)!;
    const user = this.users[token];
    mr.reviewers = mr.reviewers.filter(r => r.user.id !== user.id);
    mr.reviewers.push({ user, state, created_at: this.now() });
  }

  // ---- server ----------------------------------------------------------------------------

  private async listen() {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () =>
        this.handle(req, res, Buffer.concat(chunks).toString('utf8')),
      );
    });
    await new Promise<void>(resolve =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    this.base = `http://127.0.0.1:${port}`;
  }

  private handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    text: string,
  ) {
    const url = new URL(req.url ?? '/', this.base);
    const method = req.method ?? 'GET';
    const rawPath = url.pathname.replace(/^\/api\/v4/, '');
    const query = Object.fromEntries(url.searchParams.entries());
    let body: any = undefined;
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const token =
      (req.headers.authorization ?? '').replace(/^Bearer /, '') ||
      (req.headers['private-token'] as string | undefined);
    const user = token ? this.users[token] : undefined;
    const match = this.match(method, rawPath);
    const record: RecordedRequest = {
      method,
      route: match?.route,
      rawPath,
      params: match?.params ?? {},
      query,
      body,
      user: user?.username,
      headers: req.headers,
    };
    this.requests.push(record);

    const send = (
      status: number,
      payload: unknown,
      headers: Record<string, string> = {},
    ) => {
      const json = payload === undefined ? '' : JSON.stringify(payload);
      res.writeHead(status, {
        ...(payload === undefined
          ? {}
          : { 'content-type': 'application/json' }),
        ...headers,
      });
      res.end(json);
    };

    const failure = this.failures.find(
      f =>
        (!f.method || f.method === method) &&
        (typeof f.route === 'string'
          ? f.route === match?.route
          : f.route.test(rawPath)),
    );
    if (failure) {
      failure.times = (failure.times ?? 1) - 1;
      if (failure.times <= 0)
        this.failures = this.failures.filter(f => f !== failure);
      send(
        failure.status,
        failure.body ?? { message: `${failure.status} injected` },
        failure.headers,
      );
      return;
    }
    if (!user) {
      send(401, { message: '401 Unauthorized' });
      return;
    }
    if (!match) {
      send(404, { error: '404 Not Found' });
      return;
    }
    try {
      if (match.params.id !== undefined) this.checkProject(match.params.id);
      const result = match.handler({
        params: match.params,
        query,
        body: body ?? {},
        user,
        req,
        res,
      });
      if (res.writableEnded) return;
      if (result === undefined) send(204, undefined);
      else if (result instanceof Response201) send(201, result.payload);
      else send(200, result);
    } catch (error) {
      if (error instanceof HttpError) send(error.status, error.body);
      else
        send(500, { message: `500 Internal Server Error: ${String(error)}` });
    }
  }

  private match(method: string, rawPath: string) {
    const segments = rawPath.split('/').filter(Boolean);
    for (const route of this.routes) {
      if (route.method !== method || route.template.length !== segments.length)
        continue;
      const params: Record<string, string> = {};
      let ok = true;
      route.template.forEach((part, index) => {
        if (part.startsWith(':'))
          params[part.slice(1)] = decodeURIComponent(segments[index]);
        else if (part !== segments[index]) ok = false;
      });
      if (ok) return { route: route.route, params, handler: route.handler };
    }
    return undefined;
  }

  private on(method: string, path: string, handler: Handler) {
    this.routes.push({
      method,
      template: path.split('/').filter(Boolean),
      route: `${method} ${path}`,
      handler,
    });
  }

  private checkProject(id: string) {
    if (id !== String(this.projectId) && id !== this.projectPath) {
      throw notFound('Project');
    }
  }

  // ---- git model -------------------------------------------------------------------------

  private now() {
    this.clock += 1000;
    return new Date(this.clock).toISOString();
  }

  private nextId() {
    return ++this.ids;
  }

  private addCommit(
    parents: string[],
    files: Map<string, FileData>,
    who: {
      message: string;
      name: string;
      email: string;
      committer?: FakeGitlabUser;
    },
  ): Commit {
    const created_at = this.now();
    const id = sha1(
      JSON.stringify({
        parents,
        files: [...files.entries()].sort(),
        who,
        created_at,
      }),
    );
    const commit: Commit = {
      id,
      parent_ids: parents,
      files,
      message: who.message,
      author_name: who.name,
      author_email: who.email,
      committer_name: who.committer?.name ?? who.name,
      committer_email: who.committer?.email ?? who.email,
      created_at,
    };
    this.commits.set(id, commit);
    return commit;
  }

  private moveBranch(branch: string, sha: string) {
    this.branches.set(branch, sha);
    if (this.tier === 'premium' && this.resetApprovalsOnPush) {
      for (const mr of this.mergeRequests) {
        if (mr.state === 'opened' && mr.source_branch === branch)
          mr.approvals = [];
      }
    }
  }

  private resolve(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    if (this.branches.has(ref)) return this.branches.get(ref);
    if (this.commits.has(ref)) return ref;
    if (/^[0-9a-f]{7,39}$/.test(ref)) {
      const found = [...this.commits.keys()].filter(sha => sha.startsWith(ref));
      if (found.length === 1) return found[0];
    }
    return undefined;
  }

  private ancestors(sha: string): Set<string> {
    const seen = new Set<string>();
    const queue = [sha];
    while (queue.length) {
      const next = queue.shift()!;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.commits.get(next)!.parent_ids);
    }
    return seen;
  }

  private mergeBase(a: string, b: string): string {
    const ofA = this.ancestors(a);
    // breadth-first from b: the first common commit is the nearest one
    const queue = [b];
    const seen = new Set<string>();
    while (queue.length) {
      const next = queue.shift()!;
      if (ofA.has(next)) return next;
      if (seen.has(next)) continue;
      seen.add(next);
      queue.push(...this.commits.get(next)!.parent_ids);
    }
    throw new HttpError(500, { message: 'no merge base' });
  }

  private diffs(fromSha: string, toSha: string) {
    const from = this.commits.get(fromSha)!.files;
    const to = this.commits.get(toSha)!.files;
    const paths = [...new Set([...from.keys(), ...to.keys()])].sort();
    return paths
      .filter(path => !sameData(from.get(path), to.get(path)))
      .map(path => {
        const before = from.get(path);
        const after = to.get(path);
        return {
          old_path: path,
          new_path: path,
          a_mode: before === undefined ? '0' : '100644',
          b_mode: after === undefined ? '0' : '100644',
          new_file: before === undefined,
          renamed_file: false,
          deleted_file: after === undefined,
          generated_file: false,
          diff: unifiedDiff(before, after),
        };
      });
  }

  /** three-way merge of `theirs` into `ours`; undefined when a path conflicts */
  private merged(
    ours: string,
    theirs: string,
  ): Map<string, FileData> | undefined {
    const base = this.commits.get(this.mergeBase(ours, theirs))!.files;
    const o = this.commits.get(ours)!.files;
    const t = this.commits.get(theirs)!.files;
    const result = new Map<string, FileData>();
    for (const path of new Set([...base.keys(), ...o.keys(), ...t.keys()])) {
      const [b, x, y] = [base.get(path), o.get(path), t.get(path)];
      let value: FileData | undefined;
      if (sameData(y, b)) value = x;
      else if (sameData(x, b) || sameData(x, y)) value = y;
      else return undefined;
      if (value !== undefined) result.set(path, value);
    }
    return result;
  }

  private commitJson(commit: Commit) {
    const title = commit.message.split('\n')[0];
    return {
      id: commit.id,
      short_id: commit.id.slice(0, 8),
      title,
      message: commit.message,
      author_name: commit.author_name,
      author_email: commit.author_email,
      authored_date: commit.created_at,
      committer_name: commit.committer_name,
      committer_email: commit.committer_email,
      committed_date: commit.created_at,
      created_at: commit.created_at,
      parent_ids: commit.parent_ids,
      web_url: `${this.webUrl}/-/commit/${commit.id}`,
    };
  }

  private get webUrl() {
    return `${this.base}/${this.projectPath}`;
  }

  // ---- merge requests --------------------------------------------------------------------

  private headOf(mr: MergeRequest) {
    return mr.frozenHead ?? this.branches.get(mr.source_branch)!;
  }

  private baseOf(mr: MergeRequest) {
    return (
      mr.frozenBase ??
      this.mergeBase(this.branches.get(mr.target_branch)!, this.headOf(mr))
    );
  }

  private hasConflicts(mr: MergeRequest) {
    if (mr.state !== 'opened') return false;
    return !this.merged(this.branches.get(mr.target_branch)!, this.headOf(mr));
  }

  private approvalsLeft(mr: MergeRequest) {
    return Math.max(0, this.approvalsRequired - mr.approvals.length);
  }

  private detailedStatus(mr: MergeRequest) {
    if (mr.state !== 'opened') return 'not_open';
    if (mr.draft) return 'draft_status';
    if (this.hasConflicts(mr)) return 'conflict';
    if (this.tier === 'premium' && this.approvalsLeft(mr) > 0)
      return 'not_approved';
    return 'mergeable';
  }

  private mrJson(mr: MergeRequest, single: boolean) {
    const sha = this.headOf(mr);
    const conflicts = this.hasConflicts(mr);
    const json: Record<string, unknown> = {
      id: mr.id,
      iid: mr.iid,
      project_id: this.projectId,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.created_at,
      updated_at: mr.updated_at,
      merged_by: mr.merged_by ? publicUser(mr.merged_by, this.base) : null,
      merge_user: mr.merged_by ? publicUser(mr.merged_by, this.base) : null,
      merged_at: mr.merged_at,
      closed_by: null,
      closed_at: mr.closed_at,
      target_branch: mr.target_branch,
      source_branch: mr.source_branch,
      user_notes_count: mr.notes.filter(n => !n.system).length,
      upvotes: 0,
      downvotes: 0,
      author: publicUser(mr.author, this.base),
      assignees: [],
      assignee: null,
      reviewers: mr.reviewers.map(r => publicUser(r.user, this.base)),
      source_project_id: this.projectId,
      target_project_id: this.projectId,
      labels: [],
      draft: mr.draft,
      work_in_progress: mr.draft,
      milestone: null,
      merge_when_pipeline_succeeds: false,
      merge_status: conflicts ? 'cannot_be_merged' : 'can_be_merged',
      detailed_merge_status: this.detailedStatus(mr),
      sha,
      merge_commit_sha: mr.merge_commit_sha,
      squash_commit_sha: null,
      discussion_locked: null,
      should_remove_source_branch: null,
      force_remove_source_branch: mr.force_remove_source_branch,
      reference: `!${mr.iid}`,
      references: {
        short: `!${mr.iid}`,
        relative: `!${mr.iid}`,
        full: `${this.projectPath}!${mr.iid}`,
      },
      web_url: `${this.webUrl}/-/merge_requests/${mr.iid}`,
      squash: false,
      has_conflicts: conflicts,
      blocking_discussions_resolved: true,
    };
    if (single) {
      const base = this.baseOf(mr);
      json.diff_refs = {
        base_sha: base,
        head_sha: sha,
        start_sha: this.branches.get(mr.target_branch) ?? base,
      };
      json.changes_count = String(this.diffs(base, sha).length);
      json.user = { can_merge: true };
      json.first_contribution = false;
      json.pipeline = null;
      json.head_pipeline = null;
    }
    return json;
  }

  private approvalsJson(mr: MergeRequest, user: FakeGitlabUser) {
    const approvedBy = mr.approvals.map(a => ({
      user: publicUser(a.user, this.base),
      approved_at: a.approved_at,
    }));
    const userHasApproved = mr.approvals.some(a => a.user.id === user.id);
    if (this.tier === 'free') {
      // GitLab Free: the basic entity, no rule counts
      return {
        approved: mr.approvals.length > 0,
        approved_by: approvedBy,
        user_has_approved: userHasApproved,
        user_can_approve: !userHasApproved,
      };
    }
    const left = this.approvalsLeft(mr);
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: this.projectId,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.created_at,
      updated_at: mr.updated_at,
      merge_status: this.hasConflicts(mr)
        ? 'cannot_be_merged'
        : 'can_be_merged',
      approved: left === 0,
      approvals_required: this.approvalsRequired,
      approvals_left: left,
      require_password_to_approve: false,
      approved_by: approvedBy,
      suggested_approvers: [],
      approvers: [],
      approver_groups: [],
      user_has_approved: userHasApproved,
      user_can_approve: !userHasApproved,
      approval_rules_left:
        left > 0
          ? [{ id: 1, name: 'All Members', rule_type: 'any_approver' }]
          : [],
      has_approval_rules: true,
      merge_request_approvers_available: true,
      multiple_approval_rules_available: true,
      invalid_approvers_rules: [],
    };
  }

  private findMr(iid: string) {
    const mr = this.mergeRequests.find(m => String(m.iid) === iid);
    if (!mr) throw new HttpError(404, { message: '404 Not found' });
    return mr;
  }

  private systemNote(mr: MergeRequest, user: FakeGitlabUser, body: string) {
    mr.notes.push({
      id: this.nextId(),
      body,
      author: user,
      created_at: this.now(),
      system: true,
    });
  }

  private noteJson(mr: MergeRequest, note: Note) {
    return {
      id: note.id,
      type: null,
      body: note.body,
      attachment: null,
      author: publicUser(note.author, this.base),
      created_at: note.created_at,
      updated_at: note.created_at,
      system: note.system,
      noteable_id: mr.id,
      noteable_type: 'MergeRequest',
      noteable_iid: mr.iid,
      project_id: this.projectId,
      resolvable: false,
      confidential: false,
      internal: false,
    };
  }

  // ---- pagination ------------------------------------------------------------------------

  private paginate<T>(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    query: Record<string, string>,
    items: T[],
    keysetKey?: (item: T) => string,
  ): T[] {
    const perPage = Math.min(100, Math.max(1, Number(query.per_page) || 20));
    const link = (extra: Record<string, string>) => {
      const url = new URL(req.url ?? '/', this.base);
      for (const [k, v] of Object.entries(extra)) url.searchParams.set(k, v);
      return url.toString();
    };
    if (query.pagination === 'keyset' && keysetKey) {
      const start = query.page_token
        ? items.findIndex(item => keysetKey(item) > query.page_token)
        : 0;
      const from = start < 0 ? items.length : start;
      const page = items.slice(from, from + perPage);
      if (from + perPage < items.length) {
        res.setHeader(
          'link',
          `<${link({
            page_token: keysetKey(page[page.length - 1]),
          })}>; rel="next"`,
        );
      }
      return page;
    }
    const pageNo = Math.max(1, Number(query.page) || 1);
    const totalPages = Math.max(1, Math.ceil(items.length / perPage));
    const links = [
      `<${link({ page: '1' })}>; rel="first"`,
      `<${link({ page: String(totalPages) })}>; rel="last"`,
    ];
    if (pageNo < totalPages)
      links.unshift(`<${link({ page: String(pageNo + 1) })}>; rel="next"`);
    if (pageNo > 1)
      links.unshift(`<${link({ page: String(pageNo - 1) })}>; rel="prev"`);
    res.setHeader('x-page', String(pageNo));
    res.setHeader('x-per-page', String(perPage));
    res.setHeader('x-total', String(items.length));
    res.setHeader('x-total-pages', String(totalPages));
    res.setHeader('x-next-page', pageNo < totalPages ? String(pageNo + 1) : '');
    res.setHeader('x-prev-page', pageNo > 1 ? String(pageNo - 1) : '');
    res.setHeader('link', links.join(', '));
    return items.slice((pageNo - 1) * perPage, pageNo * perPage);
  }

  // ---- routes ----------------------------------------------------------------------------

  private defineRoutes() {
    this.on('GET', '/user', ({ user }) => ({
      ...publicUser(user, this.base),
      email: user.email,
      public_email: user.email,
      bot: user.username.endsWith('-bot'),
    }));

    this.on('GET', '/projects/:id', () => ({
      id: this.projectId,
      name: this.projectPath.split('/').pop(),
      path: this.projectPath.split('/').pop(),
      path_with_namespace: this.projectPath,
      name_with_namespace: this.projectPath.replace(/\//g, ' / '),
      default_branch: this.defaultBranch,
      web_url: this.webUrl,
      http_url_to_repo: `${this.webUrl}.git`,
      visibility: 'private',
    }));

    // -- branches
    this.on(
      'GET',
      '/projects/:id/repository/branches/:branch',
      ({ params }) => {
        const sha = this.branches.get(params.branch);
        if (!sha) throw notFound('Branch');
        return {
          name: params.branch,
          merged: false,
          protected: params.branch === this.defaultBranch,
          default: params.branch === this.defaultBranch,
          developers_can_push: false,
          developers_can_merge: false,
          can_push: true,
          web_url: `${this.webUrl}/-/tree/${encodeURIComponent(params.branch)}`,
          commit: this.commitJson(this.commits.get(sha)!),
        };
      },
    );
    this.on(
      'DELETE',
      '/projects/:id/repository/branches/:branch',
      ({ params }) => {
        if (!this.branches.has(params.branch)) throw notFound('Branch');
        if (params.branch === this.defaultBranch) {
          throw new HttpError(400, {
            message: 'The default branch of a project cannot be deleted.',
          });
        }
        this.branches.delete(params.branch);
        return undefined;
      },
    );

    // -- tags
    this.on('GET', '/projects/:id/repository/tags/:tag', ({ params }) => {
      const tag = this.tags.get(params.tag);
      if (!tag) throw notFound('Tag');
      return {
        name: params.tag,
        message: tag.message ?? null,
        target: tag.commit,
        protected: false,
        commit: this.commitJson(this.commits.get(tag.commit)!),
      };
    });

    // -- commits
    this.on('POST', '/projects/:id/repository/commits', ({ body, user }) => {
      for (const field of ['branch', 'commit_message', 'actions']) {
        if (body[field] === undefined)
          throw new HttpError(400, { error: `${field} is missing` });
      }
      const branch: string = body.branch;
      const exists = this.branches.has(branch);
      let parent: string | undefined;
      if (body.start_branch || body.start_sha) {
        if (exists && !body.force) {
          throw new HttpError(400, {
            message: `A branch called '${branch}' already exists. Switch to that branch in order to make changes`,
          });
        }
        parent = body.start_sha
          ? this.resolve(body.start_sha)
          : this.branches.get(body.start_branch);
        if (!parent) {
          throw new HttpError(400, {
            message: body.start_sha
              ? `Invalid start_sha: ${body.start_sha}`
              : 'Invalid start_branch',
          });
        }
      } else {
        parent = this.branches.get(branch);
        if (!parent) {
          throw new HttpError(400, {
            message:
              'You can only create or edit files when you are on a branch',
          });
        }
      }
      const tree = new Map(this.commits.get(parent)!.files);
      if (!Array.isArray(body.actions) || body.actions.length === 0) {
        throw new HttpError(400, { error: 'actions is empty' });
      }
      for (const action of body.actions) {
        const path: string = action.file_path;
        const content: FileData | undefined =
          action.encoding === 'base64'
            ? fileData(Buffer.from(action.content ?? '', 'base64'))
            : action.content;
        switch (action.action) {
          case 'create':
            if (tree.has(path))
              throw new HttpError(400, {
                message: 'A file with this name already exists',
              });
            tree.set(path, content ?? '');
            break;
          case 'update':
          case 'delete':
            if (!tree.has(path))
              throw new HttpError(400, {
                message: "A file with this name doesn't exist",
              });
            if (action.action === 'update') tree.set(path, content ?? '');
            else tree.delete(path);
            break;
          default:
            throw new HttpError(400, {
              error: 'actions[0][action] does not have a valid value',
            });
        }
      }
      const commit = this.addCommit([parent], tree, {
        message: body.commit_message,
        name: body.author_name ?? user.name,
        email: body.author_email ?? user.email,
        committer: user,
      });
      this.moveBranch(branch, commit.id);
      const stats = this.diffs(parent, commit.id).length;
      return new Response201({
        ...this.commitJson(commit),
        stats: { additions: stats, deletions: 0, total: stats },
        status: null,
        last_pipeline: null,
      });
    });
    this.on('GET', '/projects/:id/repository/commits/:sha', ({ params }) => {
      const sha = this.resolve(params.sha);
      if (!sha) throw notFound('Commit');
      return this.commitJson(this.commits.get(sha)!);
    });

    // -- commit statuses
    this.on(
      'GET',
      '/projects/:id/repository/commits/:sha/statuses',
      ({ params, query, req, res }) => {
        const sha = this.resolve(params.sha);
        if (!sha) throw notFound('Commit');
        let list = this.statuses.filter(s => s.sha === sha);
        if (query.all !== 'true') {
          list = list.filter(
            s => !list.some(o => o.name === s.name && o.id > s.id),
          );
        }
        return this.paginate(req, res, query, list.slice().reverse());
      },
    );
    this.on('POST', '/projects/:id/statuses/:sha', ({ params, body, user }) => {
      const sha = this.resolve(params.sha);
      if (!sha) throw notFound('Commit');
      if (
        ![
          'pending',
          'running',
          'success',
          'failed',
          'canceled',
          'skipped',
        ].includes(body.state)
      ) {
        throw new HttpError(400, {
          error: 'state does not have a valid value',
        });
      }
      const name = body.name ?? body.context ?? 'default';
      const latest = this.statuses
        .filter(s => s.sha === sha && s.name === name)
        .pop();
      if (latest && latest.status === body.state) {
        throw new HttpError(400, {
          message: `Cannot transition status via :${body.state} from :${latest.status} (Reasons(s): Status cannot transition via "${body.state}")`,
        });
      }
      const status: Status = {
        id: this.nextId(),
        sha,
        ref: body.ref ?? null,
        status: body.state,
        name,
        target_url: body.target_url ?? null,
        description: body.description ?? null,
        created_at: this.now(),
        author: publicUser(user, this.base),
      };
      this.statuses.push(status);
      return new Response201({
        ...status,
        allow_failure: false,
        coverage: null,
        started_at: null,
        finished_at: null,
      });
    });

    // -- files and trees
    this.on(
      'GET',
      '/projects/:id/repository/files/:file_path',
      ({ params, query }) => {
        if (!query.ref) throw new HttpError(400, { error: 'ref is missing' });
        const sha = this.resolve(query.ref);
        if (!sha) throw notFound('Commit');
        const content = this.commits.get(sha)!.files.get(params.file_path);
        if (content === undefined) throw notFound('File');
        return {
          file_name: params.file_path.split('/').pop(),
          file_path: params.file_path,
          size: bytesOf(content).length,
          encoding: 'base64',
          content_sha256: createHash('sha256').update(content).digest('hex'),
          ref: query.ref,
          blob_id: gitBlobId(content),
          commit_id: sha,
          last_commit_id: sha,
          execute_filemode: false,
          content: bytesOf(content).toString('base64'),
        };
      },
    );
    this.on('GET', '/projects/:id/repository/tree', ({ query, req, res }) => {
      const sha = this.resolve(query.ref ?? this.defaultBranch);
      if (!sha) throw notFound('Tree');
      const prefix = query.path ? `${query.path.replace(/\/+$/, '')}/` : '';
      const entries = new Map<
        string,
        { id: string; name: string; type: string; path: string; mode: string }
      >();
      for (const [path, content] of this.commits.get(sha)!.files) {
        if (!path.startsWith(prefix)) continue;
        const rest = path.slice(prefix.length).split('/');
        const depth = query.recursive === 'true' ? rest.length : 1;
        for (let i = 1; i <= Math.min(depth, rest.length); i++) {
          const entryPath = prefix + rest.slice(0, i).join('/');
          const isBlob = i === rest.length;
          entries.set(entryPath, {
            id: isBlob ? gitBlobId(content) : sha1(`tree ${sha} ${entryPath}`),
            name: rest[i - 1],
            type: isBlob ? 'blob' : 'tree',
            path: entryPath,
            mode: isBlob ? '100644' : '040000',
          });
        }
      }
      if (entries.size === 0 && prefix) throw notFound('Tree');
      const sorted = [...entries.values()].sort((a, b) =>
        a.path < b.path ? -1 : 1,
      );
      return this.paginate(req, res, query, sorted, entry => entry.path);
    });
    this.on('GET', '/projects/:id/repository/compare', ({ query }) => {
      const from = this.resolve(query.from);
      const to = this.resolve(query.to);
      if (!from || !to) throw notFound('Ref');
      const start = query.straight === 'true' ? from : this.mergeBase(from, to);
      const fromAncestors = this.ancestors(start);
      const commits = [...this.ancestors(to)]
        .filter(sha => !fromAncestors.has(sha))
        .map(sha => this.commitJson(this.commits.get(sha)!));
      return {
        commit: this.commitJson(this.commits.get(to)!),
        commits,
        diffs: this.diffs(start, to),
        compare_timeout: false,
        compare_same_ref: from === to,
        web_url: `${this.webUrl}/-/compare/${from}...${to}`,
      };
    });

    // -- merge requests
    this.on('GET', '/projects/:id/merge_requests', ({ query, req, res }) => {
      let list = this.mergeRequests.slice();
      if (query.state && query.state !== 'all')
        list = list.filter(mr => mr.state === query.state);
      const key = query.order_by === 'updated_at' ? 'updated_at' : 'created_at';
      list.sort((a, b) => (a[key] < b[key] ? 1 : -1));
      if (query.sort === 'asc') list.reverse();
      return this.paginate(req, res, query, list).map(mr =>
        this.mrJson(mr, false),
      );
    });
    this.on('POST', '/projects/:id/merge_requests', ({ body, user }) => {
      for (const field of ['source_branch', 'target_branch', 'title']) {
        if (!body[field])
          throw new HttpError(400, { error: `${field} is missing` });
      }
      if (body.source_branch === body.target_branch) {
        throw new HttpError(422, {
          message: ["You can't use same project/branch for source and target"],
        });
      }
      for (const side of ['source', 'target']) {
        const branch = body[`${side}_branch`];
        if (!this.branches.has(branch)) {
          const Side = side[0].toUpperCase() + side.slice(1);
          throw new HttpError(422, {
            message: [`${Side} branch "${branch}" does not exist`],
          });
        }
      }
      const open = this.mergeRequests.find(
        mr => mr.state === 'opened' && mr.source_branch === body.source_branch,
      );
      if (open) {
        throw new HttpError(409, {
          message: [
            `Another open merge request already exists for this source branch: !${open.iid}`,
          ],
        });
      }
      const created = this.now();
      const mr: MergeRequest = {
        id: this.nextId(),
        iid: this.mergeRequests.length + 1,
        title: body.title,
        description: body.description ?? '',
        state: 'opened',
        source_branch: body.source_branch,
        target_branch: body.target_branch,
        author: user,
        created_at: created,
        updated_at: created,
        merged_at: null,
        closed_at: null,
        merged_by: null,
        merge_commit_sha: null,
        force_remove_source_branch: Boolean(body.remove_source_branch),
        draft: /^(draft:|\[draft\])/i.test(body.title),
        approvals: [],
        notes: [],
        reviewers: [],
      };
      this.mergeRequests.push(mr);
      return new Response201(this.mrJson(mr, true));
    });
    this.on('GET', '/projects/:id/merge_requests/:iid', ({ params }) =>
      this.mrJson(this.findMr(params.iid), true),
    );
    this.on(
      'PUT',
      '/projects/:id/merge_requests/:iid',
      ({ params, body, user }) => {
        const mr = this.findMr(params.iid);
        if (body.state_event === 'close' && mr.state === 'opened') {
          mr.frozenBase = this.baseOf(mr);
          mr.state = 'closed';
          mr.closed_at = this.now();
          this.systemNote(mr, user, 'closed');
        } else if (body.state_event === 'reopen' && mr.state === 'closed') {
          mr.frozenBase = undefined;
          mr.state = 'opened';
          this.systemNote(mr, user, 'reopened');
        }
        if (typeof body.title === 'string') mr.title = body.title;
        if (typeof body.description === 'string')
          mr.description = body.description;
        mr.updated_at = this.now();
        return this.mrJson(mr, true);
      },
    );
    this.on(
      'GET',
      '/projects/:id/merge_requests/:iid/diffs',
      ({ params, query, req, res }) => {
        const mr = this.findMr(params.iid);
        return this.paginate(
          req,
          res,
          query,
          this.diffs(this.baseOf(mr), this.headOf(mr)),
        );
      },
    );
    this.on(
      'GET',
      '/projects/:id/merge_requests/:iid/approvals',
      ({ params, user }) => {
        if (this.approvalsEndpointStatus) {
          throw new HttpError(this.approvalsEndpointStatus, {
            message:
              this.approvalsEndpointStatus === 403
                ? '403 Forbidden'
                : '404 Not found',
          });
        }
        return this.approvalsJson(this.findMr(params.iid), user);
      },
    );
    this.on(
      'POST',
      '/projects/:id/merge_requests/:iid/approve',
      ({ params, body, user }) => {
        const mr = this.findMr(params.iid);
        if (
          mr.state !== 'opened' ||
          mr.approvals.some(a => a.user.id === user.id)
        ) {
          throw new HttpError(401, { message: '401 Unauthorized' });
        }
        if (body.sha && body.sha !== this.headOf(mr)) {
          throw new HttpError(409, {
            message: `SHA does not match HEAD of source branch: ${this.headOf(
              mr,
            )}`,
          });
        }
        mr.approvals.push({ user, approved_at: this.now() });
        this.systemNote(mr, user, 'approved this merge request');
        return new Response201(this.approvalsJson(mr, user));
      },
    );
    this.on(
      'POST',
      '/projects/:id/merge_requests/:iid/unapprove',
      ({ params, user }) => {
        const mr = this.findMr(params.iid);
        if (!mr.approvals.some(a => a.user.id === user.id))
          throw new HttpError(404, { message: '404 Not found' });
        mr.approvals = mr.approvals.filter(a => a.user.id !== user.id);
        this.systemNote(mr, user, 'unapproved this merge request');
        return new Response201(this.approvalsJson(mr, user));
      },
    );
    this.on(
      'GET',
      '/projects/:id/merge_requests/:iid/notes',
      ({ params, query, req, res }) => {
        const mr = this.findMr(params.iid);
        const notes = mr.notes.slice();
        if (query.sort !== 'asc') notes.reverse(); // GitLab's default is newest first
        return this.paginate(req, res, query, notes).map(note =>
          this.noteJson(mr, note),
        );
      },
    );
    this.on(
      'POST',
      '/projects/:id/merge_requests/:iid/notes',
      ({ params, body, user }) => {
        const mr = this.findMr(params.iid);
        if (!body.body) throw new HttpError(400, { error: 'body is missing' });
        const note: Note = {
          id: this.nextId(),
          body: body.body,
          author: user,
          created_at: this.now(),
          system: false,
        };
        mr.notes.push(note);
        return new Response201(this.noteJson(mr, note));
      },
    );
    this.on(
      'GET',
      '/projects/:id/merge_requests/:iid/reviewers',
      ({ params }) => {
        if (this.reviewersEndpointMissing)
          throw new HttpError(404, { error: '404 Not Found' });
        return this.findMr(params.iid).reviewers.map(r => ({
          user: publicUser(r.user, this.base),
          state: r.state,
          created_at: r.created_at,
        }));
      },
    );
    this.on(
      'PUT',
      '/projects/:id/merge_requests/:iid/merge',
      ({ params, body, user }) => {
        const mr = this.findMr(params.iid);
        if (user.canMerge === false)
          throw new HttpError(401, { message: '401 Unauthorized' });
        if (mr.state !== 'opened' || mr.draft)
          throw new HttpError(405, { message: '405 Method Not Allowed' });
        const target = this.branches.get(mr.target_branch)!;
        const head = this.headOf(mr);
        const tree = this.merged(target, head);
        if (!tree)
          throw new HttpError(this.conflictStatus, {
            message:
              this.conflictStatus === 406
                ? 'Branch cannot be merged'
                : '405 Method Not Allowed',
          });
        if (this.tier === 'premium' && this.approvalsLeft(mr) > 0) {
          throw new HttpError(405, { message: '405 Method Not Allowed' });
        }
        if (body.sha && body.sha !== head) {
          throw new HttpError(409, {
            message: `SHA does not match HEAD of source branch: ${head}`,
          });
        }
        const base = this.baseOf(mr);
        const message =
          body.merge_commit_message ??
          `Merge branch '${mr.source_branch}' into '${mr.target_branch}'\n\n${mr.title}\n\nSee merge request ${this.projectPath}!${mr.iid}`;
        const merge = this.addCommit([target, head], tree, {
          message,
          name: user.name,
          email: user.email,
          committer: user,
        });
        this.branches.set(mr.target_branch, merge.id);
        mr.frozenHead = head;
        mr.frozenBase = base;
        mr.state = 'merged';
        mr.merged_at = this.now();
        mr.updated_at = mr.merged_at;
        mr.merged_by = user;
        mr.merge_commit_sha = merge.id;
        if (body.should_remove_source_branch || mr.force_remove_source_branch) {
          this.branches.delete(mr.source_branch);
        }
        this.systemNote(mr, user, `merged`);
        return this.mrJson(mr, true);
      },
    );
  }
}

function unifiedDiff(
  before: FileData | undefined,
  after: FileData | undefined,
) {
  if (typeof before === 'object' || typeof after === 'object') {
    return ''; // GitLab shows no text diff for a binary file
  }
  const lines = (text: string | undefined) =>
    text === undefined ? [] : text.replace(/\n$/, '').split('\n');
  const a = lines(before);
  const b = lines(after);
  return `@@ -${a.length ? 1 : 0},${a.length} +${b.length ? 1 : 0},${
    b.length
  } @@\n${a.map(l => `-${l}\n`).join('')}${b.map(l => `+${l}\n`).join('')}`;
}
