/*
 * The local Git provider: bare repositories on disk, read and written with isomorphic-git, with
 * change requests, reviews and commit statuses stored in the repository itself (see
 * changeMeta.ts and the README). Nothing in memory is authoritative: a second instance, a restart
 * or a `git clone --mirror` sees exactly the same changes.
 *
 * Every write follows one pattern: read refs, write objects (harmless, content-addressed), then
 * move all touched refs in one compare-and-swap transaction (RefStore). A conflicting concurrent
 * write makes the transaction fail and the operation is planned again from fresh refs.
 */
import crypto from 'crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  Actor,
  BoundedMap,
  ChangedFile,
  ChangeFilter,
  ChangeRecord,
  ChangeRequest,
  CommitCheck,
  FileBytes,
  FileContent,
  GitEvent,
  GitProvider,
  OpenChangeFromBranchInput,
  OpenChangeInput,
  Review,
  ReviewDecision,
  ReviewInput,
  TreeEntry,
} from '@butler-portal/plugin-gitops-node';
import { readBlobsByNameWithGit, readBlobsWithGit } from './catFileBatch';
import {
  validateActor,
  validateDescription,
  validateTitle,
} from './changeInput';
import { findTreeEntry, readBytesAt, readTextAt } from './readTree';
import { ChangeViews, type ViewContext } from './changeView';
import {
  CHANGE_FILE,
  CHANGE_REF_PREFIX,
  CHANGE_SEQUENCE_REF,
  ChangeMeta,
  changeHeadRef,
  changeMetaRef,
  numberOfMetaRef,
  parseChangeId,
  parseChangeMeta,
  serializeChangeMeta,
} from './changeMeta';
import { ObjectStore, Signature, TreeItem } from './objectStore';
import { RefConflictError, RefStore, RefUpdate } from './refStore';
import { SerialQueue } from './serialQueue';
import { applyFileOperations } from './treeEdit';
import { diffPaths } from './treeDiff';
import { mergeTrees } from './treeMerge';
import type { OwnerDirectory } from '@butler-portal/plugin-gitops-node';
import {
  COMMIT_STATUS_NOTES_REF,
  validateCheck,
  writeCommitCheck,
} from './commitStatusNotes';
import {
  isSha,
  normalizePrefix,
  validateBranchName,
  validateRepoPath,
  validateShortRef,
} from '@butler-portal/plugin-gitops-node';

export interface LocalGitProviderOptions {
  /** the configured repository id */
  repository: string;
  /** the bare repository folder (see ensureLocalRepository) */
  dir: string;
  /** defaults to the branch HEAD of the bare repository points to */
  defaultBranch?: string;
  /** approvals needed on the current head (default 1) */
  requiredApprovals?: number;
  /** let authors approve their own changes: meant for single-user demos (default false) */
  allowSelfApproval?: boolean;
  /** group membership for CODEOWNERS groups (default: nobody is a member) */
  isMember?: (userRef: string, groupRef: string) => Promise<boolean>;
  /** whether a group exists, to read a bare `@name` owner as a group (default: no) */
  isGroup?: (groupRef: string) => Promise<boolean>;
  /** user entity ref of an email owner in CODEOWNERS (default: unknown) */
  resolveEmail?: (email: string) => Promise<string | undefined>;
  /** receives every change and default-branch push event after it is committed */
  onEvent?: (event: GitEvent) => void;
  logger?: LoggerService;
  /** how long to wait for a ref lock held by another process (default 10 s) */
  lockTimeoutMs?: number;
}

/** A ref update reported by a push (see smartHttp.ts); `after` undefined = deleted. */
export interface PushedRef {
  ref: string;
  before?: string;
  after?: string;
}

const DECISIONS: ReviewDecision[] = ['approve', 'request_changes', 'comment'];
/** up to this many blobs are read in process, more with one git process (see readBlobs) */
const IN_PROCESS_BLOB_READS = 16;
const MAX_ATTEMPTS = 50;
/** identity of the commits the portal writes on its own behalf (commit status notes) */
const PORTAL_SIGNATURE: Signature = {
  name: 'Butler Portal',
  email: 'butler-portal@localhost',
};

const sameRef = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** One planned write: refs to move atomically, and what to report once they moved. */
interface Plan<T> {
  updates: RefUpdate[];
  events: GitEvent[];
  result: T;
}

/** parsed change records kept, by meta commit */
const META_CACHE_SIZE = 20_000;

export class LocalGitProvider implements GitProvider {
  readonly type = 'local' as const;
  readonly repository: string;

  private readonly refs: RefStore;
  private readonly objects: ObjectStore;
  private readonly queue = new SerialQueue();
  private readonly metaByCommit = new BoundedMap<string, ChangeMeta>({
    maxEntries: META_CACHE_SIZE,
  });
  private readonly views: ChangeViews;
  private staleLocksSwept = false;
  private readonly requiredApprovals: number;
  private readonly allowSelfApproval: boolean;
  private readonly directory: OwnerDirectory;

  constructor(private readonly options: LocalGitProviderOptions) {
    if (!options.repository)
      throw new InputError('repository: an id is required');
    if (!options.dir)
      throw new InputError('dir: the bare repository folder is required');
    const required = options.requiredApprovals ?? 1;
    if (!Number.isInteger(required) || required < 0) {
      throw new InputError(
        'requiredApprovals: must be a whole number of at least 0',
      );
    }
    if (options.defaultBranch !== undefined)
      validateBranchName(options.defaultBranch, 'defaultBranch');
    this.repository = options.repository;
    this.requiredApprovals = required;
    this.allowSelfApproval = options.allowSelfApproval ?? false;
    this.refs = new RefStore(
      options.dir,
      { timeoutMs: options.lockTimeoutMs },
      message => this.options.logger?.warn(message),
    );
    this.objects = new ObjectStore(options.dir);
    this.directory = {
      isMember: options.isMember ?? (async () => false),
      isGroup: options.isGroup ?? (async () => false),
      resolveEmail: options.resolveEmail ?? (async () => undefined),
    };
    this.views = new ChangeViews({
      repository: this.repository,
      objects: this.objects,
      refs: this.refs,
      directory: this.directory,
      requiredApprovals: this.requiredApprovals,
      allowSelfApproval: this.allowSelfApproval,
      gitDir: this.options.dir,
    });
  }

  // ---------------------------------------------------------------- reading the repository

  async defaultBranch(): Promise<string> {
    if (this.options.defaultBranch) return this.options.defaultBranch;
    const target = await this.refs.readSymbolic('HEAD');
    if (!target?.startsWith('refs/heads/')) {
      throw new NotFoundError(
        `repository '${this.repository}' at ${this.options.dir} has no HEAD branch (is it a bare repository?)`,
      );
    }
    return target.slice('refs/heads/'.length);
  }

  async head(branch?: string): Promise<string> {
    const name =
      branch === undefined
        ? await this.defaultBranch()
        : validateBranchName(branch);
    const oid = await this.refs.read(`refs/heads/${name}`);
    if (!oid)
      throw new NotFoundError(
        `branch '${name}' not found in repository '${this.repository}'`,
      );
    return oid;
  }

  async resolveRef(ref: string): Promise<string> {
    validateShortRef(ref);
    if (isSha(ref)) {
      if (!(await this.objects.exists(ref))) {
        throw new NotFoundError(
          `commit ${ref} not found in repository '${this.repository}'`,
        );
      }
      return this.objects.peelToCommit(ref);
    }
    const [branch, tag] = await Promise.all([
      this.refs.read(`refs/heads/${ref}`),
      this.refs.read(`refs/tags/${ref}`),
    ]);
    const tagged = tag && (await this.objects.peelToCommit(tag));
    if (branch && tagged && branch !== tagged) {
      throw new InputError(
        `ref '${ref}' is ambiguous in repository '${this.repository}': branch ${ref} is at ${branch}, tag ${ref} at ${tagged}; give the commit SHA`,
      );
    }
    const commit = branch ?? tagged;
    if (!commit) {
      throw new NotFoundError(
        `no branch or tag '${ref}' in repository '${this.repository}'`,
      );
    }
    return commit;
  }

  /** a commit id for a commit id or branch name (default branch when omitted) */
  private async resolveCommit(ref?: string): Promise<string> {
    if (ref === undefined) return this.head();
    if (isSha(ref)) {
      await this.objects.readCommit(ref);
      return ref;
    }
    return this.head(ref);
  }

  private readText(
    treeish: string,
    path: string,
  ): Promise<FileContent | undefined> {
    return readTextAt(this.objects, treeish, path);
  }

  private findEntry(
    treeish: string,
    path: string,
  ): Promise<TreeItem | undefined> {
    return findTreeEntry(this.objects, treeish, path);
  }

  async readFile(path: string, ref?: string): Promise<FileContent | undefined> {
    validateRepoPath(path);
    return this.readText(await this.resolveCommit(ref), path);
  }

  async readFileBytes(
    path: string,
    ref?: string,
  ): Promise<FileBytes | undefined> {
    validateRepoPath(path);
    return readBytesAt(this.objects, await this.resolveCommit(ref), path);
  }

  /**
   * Many blobs at once, by id, for the commit snapshot's reads: in bulk with one
   * `git cat-file --batch`; a few (a sync of a one-file merge) in process, as starting git
   * costs more than reading them (~10 ms). Ids that are not blobs here are left out.
   */
  async readBlobs(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length > IN_PROCESS_BLOB_READS) {
      return readBlobsWithGit(this.options.dir, ids);
    }
    const contents = await Promise.all(
      ids.map(id =>
        this.objects.readBlob(id).then(
          blob => blob.toString('utf8'),
          error => {
            const name = (error as Error).name;
            if (name === 'NotFoundError' || name === 'ObjectTypeError') {
              return undefined;
            }
            throw error;
          },
        ),
      ),
    );
    const result = new Map<string, string>();
    ids.forEach((id, i) => {
      if (contents[i] !== undefined) result.set(id, contents[i]!);
    });
    return result;
  }

  async listTree(ref?: string, prefix?: string): Promise<TreeEntry[]> {
    const dir = normalizePrefix(prefix);
    const start = await this.findEntry(await this.resolveCommit(ref), dir);
    if (!start) return [];
    if (start.type === 'blob') return [{ path: dir, sha: start.oid }];
    const out: TreeEntry[] = [];
    const walk = async (oid: string, base: string) => {
      for (const e of await this.objects.readTree(oid)) {
        const p = base ? `${base}/${e.path}` : e.path;
        if (e.type === 'tree') await walk(e.oid, p);
        else if (e.type === 'blob') out.push({ path: p, sha: e.oid });
      }
    };
    await walk(start.oid, dir);
    return out;
  }

  async changedPaths(fromCommit: string, toCommit: string) {
    return diffPaths(
      this.objects,
      await this.resolveCommit(fromCommit),
      await this.resolveCommit(toCommit),
    );
  }

  fileUrl(): string | undefined {
    return undefined;
  }

  // ---------------------------------------------------------------- reading change requests

  private async readMeta(
    n: number,
    knownCommit?: string,
  ): Promise<{ meta: ChangeMeta; metaCommit: string } | undefined> {
    const metaCommit = knownCommit ?? (await this.refs.read(changeMetaRef(n)));
    if (!metaCommit) return undefined;
    // a meta commit never changes: its parsed record is kept (a listing of every change request
    // then costs the ref list, not one object walk per change)
    let meta = this.metaByCommit.get(metaCommit);
    if (!meta) {
      const file = await this.readText(metaCommit, CHANGE_FILE);
      const where = `repository '${this.repository}' ${changeMetaRef(n)}`;
      if (!file)
        throw new Error(`${where}: commit ${metaCommit} has no ${CHANGE_FILE}`);
      meta = parseChangeMeta(file.content, where);
      this.rememberMeta(metaCommit, meta);
    }
    return { meta: structuredClone(meta), metaCommit };
  }

  private rememberMeta(metaCommit: string, meta: ChangeMeta) {
    this.metaByCommit.set(metaCommit, meta);
  }

  private async requireMeta(id: string) {
    const n = parseChangeId(id);
    const found = n === undefined ? undefined : await this.readMeta(n);
    if (!found) {
      throw new NotFoundError(
        `change '${id}' not found in repository '${this.repository}'`,
      );
    }
    return found;
  }

  private async listMetas(): Promise<ChangeMeta[]> {
    const listed = [...(await this.refs.list(CHANGE_REF_PREFIX))].flatMap(
      ([ref, sha]) => {
        const n = numberOfMetaRef(ref);
        return n === undefined ? [] : [{ n, sha }];
      },
    );
    // records not parsed yet (all of them after a start) in one git process, not three object
    // reads each
    const unread = listed.filter(({ sha }) => !this.metaByCommit.has(sha));
    if (unread.length > 1) {
      const texts = await readBlobsByNameWithGit(
        this.options.dir,
        unread.map(({ sha }) => `${sha}:${CHANGE_FILE}`),
      );
      unread.forEach(({ n, sha }, i) => {
        const text = texts[i];
        // one that git cannot read is read (and reported) by readMeta below
        if (text !== undefined) {
          this.rememberMeta(
            sha,
            parseChangeMeta(
              text,
              `repository '${this.repository}' ${changeMetaRef(n)}`,
            ),
          );
        }
      });
    }
    const metas = await Promise.all(
      listed.map(({ n, sha }) => this.readMeta(n, sha)),
    );
    return metas.filter(m => m !== undefined).map(m => m!.meta);
  }

  private currentSides(meta: ChangeMeta) {
    return this.views.currentSides(meta);
  }

  private view(meta: ChangeMeta, ctx: ViewContext): Promise<ChangeRequest> {
    return this.views.view(meta, ctx);
  }

  private newViewContext(): Promise<ViewContext> {
    return this.views.newContext();
  }

  async listChanges(filter?: ChangeFilter): Promise<ChangeRequest[]> {
    const ctx = await this.newViewContext();
    const metas = (await this.listMetas())
      .filter(m => !filter?.state || m.state === filter.state)
      .sort((a, b) => b.number - a.number);
    return Promise.all(metas.map(m => this.view(m, ctx)));
  }

  /** the change records as stored, without working out any view (see ChangeService.listChangePage) */
  async listChangeRecords(filter?: ChangeFilter): Promise<ChangeRecord[]> {
    const metas = (await this.listMetas())
      .filter(m => !filter?.state || m.state === filter.state)
      .sort((a, b) => b.number - a.number);
    // paths by base and head commit are kept long (a merged change's never move)
    const paths = filter?.withPaths
      ? await this.views.pathsOfMany(metas)
      : undefined;
    return metas.map((m, i) => ({
      number: m.number,
      state: m.state,
      author: {
        name: m.author.name,
        email: m.author.email,
        userRef: m.author.userRef,
      },
      createdAt: m.createdAt,
      updatedAt: m.updatedAt,
      sourceBranch: m.sourceBranch,
      targetBranch: m.targetBranch,
      ...(paths && { paths: paths[i] }),
    }));
  }

  async getChange(id: string): Promise<ChangeRequest | undefined> {
    const n = parseChangeId(id);
    const found = n === undefined ? undefined : await this.readMeta(n);
    return found && this.view(found.meta, await this.newViewContext());
  }

  async getChangeFiles(id: string): Promise<ChangedFile[]> {
    const { meta } = await this.requireMeta(id);
    const { head, base } = await this.currentSides(meta);
    const changed = await diffPaths(this.objects, base, head);
    return Promise.all(
      changed.map(async c => {
        const before =
          c.status === 'added' ? undefined : await this.readText(base, c.path);
        const after =
          c.status === 'deleted'
            ? undefined
            : await this.readText(head, c.path);
        return {
          ...c,
          ...(before && { before: before.content }),
          ...(after && { after: after.content }),
        };
      }),
    );
  }

  // ---------------------------------------------------------------- writing

  /**
   * Plans and commits a write inside this instance's queue; replans when another process moved
   * one of the refs in between. Events are emitted once the refs moved.
   */
  private async write<T>(plan: () => Promise<Plan<T>>): Promise<T> {
    const done = await this.queue.run(async () => {
      if (!this.staleLocksSwept) {
        this.staleLocksSwept = true;
        const removed = await this.refs.removeStaleLocks();
        if (removed.length) {
          this.options.logger?.warn(
            `local git: removed stale lock files of a crashed process in ${
              this.options.dir
            }: ${removed.join(', ')}`,
          );
        }
      }
      for (let attempt = 1; ; attempt++) {
        const p = await plan();
        try {
          await this.refs.transaction(p.updates);
          return p;
        } catch (e) {
          if (!(e instanceof RefConflictError) || attempt >= MAX_ATTEMPTS)
            throw e;
          this.options.logger?.debug(
            `local git: retrying after concurrent update: ${e.message}`,
          );
          await sleep(Math.random() * 20 * attempt);
        }
      }
    });
    for (const event of done.events) this.emit(event);
    return done.result;
  }

  private emit(event: GitEvent) {
    try {
      this.options.onEvent?.(event);
    } catch (e) {
      this.options.logger?.warn(
        `local git: event listener failed: ${(e as Error).message}`,
      );
    }
  }

  private changeEvent(
    n: number,
    action: 'opened' | 'updated' | 'reviewed' | 'merged' | 'closed',
  ): GitEvent {
    return {
      type: 'change',
      repository: this.repository,
      changeId: String(n),
      action,
    };
  }

  private async writeMetaCommit(input: {
    meta: ChangeMeta;
    parent?: string;
    actor: Signature;
    action: string;
    summary: string;
    date: Date;
  }): Promise<string> {
    const { meta } = input;
    const blob = await this.objects.writeBlob(serializeChangeMeta(meta));
    const tree = await this.objects.writeTree([
      { mode: '100644', path: CHANGE_FILE, oid: blob, type: 'blob' },
    ]);
    return this.objects.writeCommit({
      tree,
      parents: input.parent ? [input.parent] : [],
      message:
        `Change ${meta.number}: ${input.action}\n\n${input.summary}\n\n` +
        `Butler-Change: ${meta.number}\nButler-Action: ${input.action}\n`,
      author: input.actor,
      date: input.date,
    });
  }

  /** checks what both ways of opening a change take: actor, text and a branch of its own */
  private async validateOpenInput(input: OpenChangeFromBranchInput) {
    const actor = validateActor(input?.actor);
    const title = validateTitle(input.title);
    const description = validateDescription(input.description);
    const branch = validateBranchName(input.branch);
    const target = await this.defaultBranch();
    if (branch === target) {
      throw new InputError(
        `branch: '${branch}' is the default branch; a change needs its own branch`,
      );
    }
    return { actor, title, description, branch, target };
  }

  /**
   * The plan that opens a change: claims its number, writes its first meta commit and creates
   * its refs; `branchUpdate` says what happens to the source branch.
   */
  private async planOpened(input: {
    actor: Actor;
    title: string;
    description: string;
    branch: string;
    target: string;
    base: string;
    head: string;
    ownsSourceBranch: boolean;
    summary: string;
    date: Date;
    branchUpdate: RefUpdate;
  }): Promise<Plan<number>> {
    const { actor, date } = input;
    const claim = await this.claimNumber();
    const meta: ChangeMeta = {
      schemaVersion: 1,
      number: claim.number,
      title: input.title,
      description: input.description,
      state: 'open',
      author: {
        name: actor.name,
        email: actor.email,
        userRef: actor.userRef,
      },
      sourceBranch: input.branch,
      targetBranch: input.target,
      ownsSourceBranch: input.ownsSourceBranch,
      baseSha: input.base,
      headSha: input.head,
      createdAt: date.toISOString(),
      updatedAt: date.toISOString(),
      reviews: [],
    };
    const metaCommit = await this.writeMetaCommit({
      meta,
      actor,
      action: 'opened',
      summary: input.summary,
      date,
    });
    return {
      updates: [
        claim.update,
        input.branchUpdate,
        { ref: changeMetaRef(claim.number), expect: null, value: metaCommit },
        { ref: changeHeadRef(claim.number), expect: null, value: input.head },
      ],
      events: [this.changeEvent(claim.number, 'opened')],
      result: claim.number,
    };
  }

  /**
   * Writes the next meta commit of an existing change and returns the ref updates that record
   * it: the meta ref moves only from the commit we read, the head ref follows the change.
   */
  private async advanceMeta(input: {
    next: ChangeMeta;
    metaCommit: string;
    actor: Signature;
    action: string;
    summary: string;
    date: Date;
  }): Promise<RefUpdate[]> {
    const { next, metaCommit } = input;
    const commit = await this.writeMetaCommit({
      meta: next,
      parent: metaCommit,
      actor: input.actor,
      action: input.action,
      summary: input.summary,
      date: input.date,
    });
    return [
      {
        ref: changeMetaRef(next.number),
        expect: metaCommit,
        value: commit,
      },
      { ref: changeHeadRef(next.number), value: next.headSha },
    ];
  }

  /** the next change number and the sequence ref update that claims it */
  private async claimNumber(): Promise<{ number: number; update: RefUpdate }> {
    const current = await this.refs.read(CHANGE_SEQUENCE_REF);
    let last = 0;
    if (current) {
      last =
        parseInt((await this.objects.readBlob(current)).toString('utf8'), 10) ||
        0;
    } else {
      // a repository restored without its sequence ref: continue after the highest change
      for (const ref of (await this.refs.list(CHANGE_REF_PREFIX)).keys()) {
        last = Math.max(last, numberOfMetaRef(ref) ?? 0);
      }
    }
    let number = last + 1;
    while (await this.refs.read(changeMetaRef(number))) number++;
    const blob = await this.objects.writeBlob(`${number}\n`);
    return {
      number,
      update: {
        ref: CHANGE_SEQUENCE_REF,
        expect: current ?? null,
        value: blob,
      },
    };
  }

  async openChange(input: OpenChangeInput): Promise<ChangeRequest> {
    const opening = await this.validateOpenInput(input);
    const { actor, title, branch, target } = opening;
    // the change's own commit (blobs, trees) is built outside the write queue: objects are
    // content-addressed, so concurrent creates build theirs at once and only the ref updates
    // (compare-and-swap) take turns
    const base = await this.resolveCommit(input.baseCommit ?? target);
    const baseTree = (await this.objects.readCommit(base)).tree;
    const tree = await applyFileOperations(
      this.objects,
      baseTree,
      input.operations,
    );
    if (tree === baseTree) {
      throw new InputError('operations: the change does not modify any file');
    }
    const now = new Date();
    const head = await this.objects.writeCommit({
      tree,
      parents: [base],
      message: input.message?.trim() ? input.message : title,
      author: actor,
      date: now,
    });
    const number = await this.write(async () => {
      const branchRef = `refs/heads/${branch}`;
      if (await this.refs.read(branchRef)) {
        throw new ConflictError(
          `branch '${branch}' already exists in repository '${this.repository}'`,
        );
      }
      return this.planOpened({
        ...opening,
        base,
        head,
        ownsSourceBranch: true,
        summary: `Opened by ${actor.userRef}: ${title}`,
        date: now,
        branchUpdate: { ref: branchRef, expect: null, value: head },
      });
    });
    return (await this.getChange(String(number)))!;
  }

  async openChangeFromBranch(
    input: OpenChangeFromBranchInput,
  ): Promise<ChangeRequest> {
    const opening = await this.validateOpenInput(input);
    const { actor, title, branch, target } = opening;
    const number = await this.write(async () => {
      const branchRef = `refs/heads/${branch}`;
      const head = await this.refs.read(branchRef);
      if (!head)
        throw new NotFoundError(
          `branch '${branch}' not found in repository '${this.repository}'`,
        );
      const open = (await this.listMetas()).find(
        m => m.state === 'open' && m.sourceBranch === branch,
      );
      if (open) {
        throw new ConflictError(
          `branch '${branch}' already has the open change ${open.number}`,
        );
      }
      const targetTip = await this.head(target);
      if (await this.objects.isAncestor(head, targetTip)) {
        throw new InputError(
          `branch '${branch}' has no commits that are not on '${target}'`,
        );
      }
      const base = await this.objects.mergeBase(head, targetTip);
      if (!base) {
        throw new InputError(
          `branch '${branch}' shares no history with '${target}'`,
        );
      }
      return this.planOpened({
        ...opening,
        base,
        head,
        ownsSourceBranch: false,
        summary: `Opened by ${actor.userRef} from branch ${branch}: ${title}`,
        date: new Date(),
        // not moved, only checked: the change opens on the commit we looked at
        branchUpdate: { ref: branchRef, expect: head, value: head },
      });
    });
    return (await this.getChange(String(number)))!;
  }

  async review(id: string, input: ReviewInput): Promise<Review> {
    const actor = validateActor(input?.actor);
    if (!DECISIONS.includes(input.decision)) {
      throw new InputError(`decision: must be one of ${DECISIONS.join(', ')}`);
    }
    if (
      input.comment !== undefined &&
      (typeof input.comment !== 'string' || input.comment.length > 65536)
    ) {
      throw new InputError(
        'comment: must be a string of at most 65536 characters',
      );
    }
    return this.write(async () => {
      const { meta, metaCommit } = await this.requireMeta(id);
      if (meta.state !== 'open') {
        throw new ConflictError(
          `change ${meta.number} is ${meta.state}; it can no longer be reviewed`,
        );
      }
      if (
        input.decision !== 'comment' &&
        !this.allowSelfApproval &&
        sameRef(actor.userRef, meta.author.userRef)
      ) {
        throw new NotAllowedError(
          `${actor.userRef} authored change ${meta.number} and cannot ${
            input.decision === 'approve'
              ? 'approve it'
              : 'request changes on it'
          }`,
        );
      }
      const { head, base } = await this.currentSides(meta);
      const now = new Date();
      const review: Review = {
        id: crypto.randomUUID(),
        author: actor.userRef,
        decision: input.decision,
        ...(input.comment && { comment: input.comment }),
        commitSha: head,
        submittedAt: now.toISOString(),
      };
      const next: ChangeMeta = {
        ...meta,
        headSha: head,
        baseSha: base,
        reviews: [...meta.reviews, review],
        updatedAt: now.toISOString(),
      };
      return {
        updates: await this.advanceMeta({
          next,
          metaCommit,
          actor,
          action: 'reviewed',
          summary: `${actor.userRef}: ${input.decision} on ${head}`,
          date: now,
        }),
        events: [this.changeEvent(meta.number, 'reviewed')],
        result: review,
      };
    });
  }

  async merge(id: string, actorInput: Actor): Promise<ChangeRequest> {
    const actor = validateActor(actorInput);
    const number = await this.write(async () => {
      const { meta, metaCommit } = await this.requireMeta(id);
      if (meta.state !== 'open') {
        throw new ConflictError(
          `change ${meta.number} is already ${meta.state}`,
        );
      }
      const current = await this.view(meta, await this.newViewContext());
      if (!current.mergeable) {
        const missing = current.approval.missingOwners;
        const owners = missing.length
          ? ` (missing code owner approval: ${missing.join(', ')})`
          : '';
        throw new ConflictError(
          `change ${meta.number} cannot be merged: ${current.mergeableReason}${owners}`,
        );
      }
      const { targetTip, head, base, branchTip } = await this.currentSides(
        meta,
      );
      const merged = await mergeTrees(this.objects, {
        base,
        ours: targetTip!,
        theirs: head,
        write: true,
      });
      if (!merged.tree) {
        throw new ConflictError(
          `change ${meta.number} conflicts with '${
            meta.targetBranch
          }' in ${merged.conflicts.join(', ')}`,
        );
      }
      const now = new Date();
      // a real merge commit: first parent the target, second the change, merger as author
      const mergeCommit = await this.objects.writeCommit({
        tree: merged.tree,
        parents: [targetTip!, head],
        message:
          `Merge change ${meta.number}: ${meta.title}\n\n` +
          `${meta.description ? `${meta.description}\n\n` : ''}` +
          `Butler-Change: ${meta.number}\nMerged-By: ${actor.userRef}\n`,
        author: actor,
        date: now,
      });
      const next: ChangeMeta = {
        ...meta,
        state: 'merged',
        headSha: head,
        baseSha: base,
        mergeCommitSha: mergeCommit,
        mergedBy: actor.userRef,
        updatedAt: now.toISOString(),
      };
      return {
        updates: [
          {
            ref: `refs/heads/${meta.targetBranch}`,
            expect: targetTip!,
            value: mergeCommit,
          },
          ...(await this.advanceMeta({
            next,
            metaCommit,
            actor,
            action: 'merged',
            summary: `Merged by ${actor.userRef} as ${mergeCommit}`,
            date: now,
          })),
          ...this.sourceBranchUpdate(meta, branchTip),
        ],
        events: [
          this.changeEvent(meta.number, 'merged'),
          {
            type: 'push' as const,
            repository: this.repository,
            branch: meta.targetBranch,
            before: targetTip,
            after: mergeCommit,
          },
        ],
        result: meta.number,
      };
    });
    return (await this.getChange(String(number)))!;
  }

  /**
   * A branch the portal created is deleted when its change is merged or closed (the change's
   * head ref keeps the commit); a pushed branch stays, but must still be where we saw it.
   */
  private sourceBranchUpdate(
    meta: ChangeMeta,
    branchTip: string | undefined,
  ): RefUpdate[] {
    const ref = `refs/heads/${meta.sourceBranch}`;
    if (!branchTip) return [];
    return [
      {
        ref,
        expect: branchTip,
        value: meta.ownsSourceBranch ? null : branchTip,
      },
    ];
  }

  async close(id: string, actorInput: Actor): Promise<ChangeRequest> {
    const actor = validateActor(actorInput);
    const number = await this.write(async () => {
      const { meta, metaCommit } = await this.requireMeta(id);
      if (meta.state !== 'open') {
        throw new ConflictError(
          `change ${meta.number} is already ${meta.state}`,
        );
      }
      const { head, base, branchTip } = await this.currentSides(meta);
      const now = new Date();
      const next: ChangeMeta = {
        ...meta,
        state: 'closed',
        headSha: head,
        baseSha: base,
        closedBy: actor.userRef,
        updatedAt: now.toISOString(),
      };
      return {
        updates: [
          ...(await this.advanceMeta({
            next,
            metaCommit,
            actor,
            action: 'closed',
            summary: `Closed by ${actor.userRef}`,
            date: now,
          })),
          ...this.sourceBranchUpdate(meta, branchTip),
        ],
        events: [this.changeEvent(meta.number, 'closed')],
        result: meta.number,
      };
    });
    return (await this.getChange(String(number)))!;
  }

  async setCommitStatus(sha: string, check: CommitCheck): Promise<void> {
    if (typeof sha !== 'string' || !isSha(sha)) {
      throw new InputError(`sha: '${sha}' is not a full commit id`);
    }
    validateCheck(check);
    await this.objects.readCommit(sha);
    await this.write(async () => {
      const notesCommit = await this.refs.read(COMMIT_STATUS_NOTES_REF);
      const next = await writeCommitCheck(this.objects, {
        notesCommit,
        sha,
        check: {
          context: check.context,
          state: check.state,
          ...(check.description !== undefined && {
            description: check.description,
          }),
          ...(check.targetUrl !== undefined && { targetUrl: check.targetUrl }),
        },
        author: PORTAL_SIGNATURE,
      });
      return {
        updates: [
          {
            ref: COMMIT_STATUS_NOTES_REF,
            expect: notesCommit ?? null,
            value: next,
          },
        ],
        events: [],
        result: undefined,
      };
    });
  }

  /**
   * Records what a `git push` did (wire smartHttp's `onPush` here): a push to the source branch
   * of an open change moves its head (approvals of the old head stop counting) and emits
   * `updated`; a change of the default branch emits a `push` event.
   */
  async handlePush(pushed: PushedRef[], pusher?: string): Promise<void> {
    const target = await this.defaultBranch();
    for (const update of pushed) {
      if (!update.ref.startsWith('refs/heads/')) continue;
      const branch = update.ref.slice('refs/heads/'.length);
      if (branch === target) {
        if (update.after) {
          this.emit({
            type: 'push',
            repository: this.repository,
            branch,
            before: update.before,
            after: update.after,
          });
        }
        continue;
      }
      if (!update.after) continue;
      const changes = (await this.listMetas()).filter(
        m => m.state === 'open' && m.sourceBranch === branch,
      );
      for (const change of changes) {
        await this.recordNewHead(change.number, pusher);
      }
    }
  }

  /** the source branches of open change requests and their authors (the push rules) */
  async openChangeBranches(): Promise<
    Array<{ branch: string; number: number; author: string }>
  > {
    return (await this.listMetas())
      .filter(m => m.state === 'open')
      .map(m => ({
        branch: m.sourceBranch,
        number: m.number,
        author: m.author.userRef,
      }));
  }

  private async recordNewHead(n: number, pusher?: string) {
    await this.write(async () => {
      const found = await this.readMeta(n);
      if (!found || found.meta.state !== 'open')
        return { updates: [], events: [], result: undefined };
      const { meta, metaCommit } = found;
      const { head, base } = await this.currentSides(meta);
      if (head === meta.headSha)
        return { updates: [], events: [], result: undefined };
      const now = new Date();
      const next: ChangeMeta = {
        ...meta,
        headSha: head,
        baseSha: base,
        updatedAt: now.toISOString(),
      };
      return {
        updates: await this.advanceMeta({
          next,
          metaCommit,
          actor: PORTAL_SIGNATURE,
          action: 'updated',
          // who pushed is part of the change's history (only its author may push to it)
          summary: `Source branch ${meta.sourceBranch} moved to ${head}${
            pusher ? ` by a push of ${pusher}` : ''
          }`,
          date: now,
        }),
        events: [this.changeEvent(n, 'updated')],
        result: undefined,
      };
    });
  }
}
