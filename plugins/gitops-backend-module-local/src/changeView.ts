/*
 * A local change request as the GitProvider interface reports it: its current sides (an open
 * change follows its source branch), changed paths, checks, approval (the core's one approval
 * rule over the catalog's groups) and whether and why it can merge. Its inputs are the record and
 * the refs, so a view is kept for a little while for the same inputs.
 */
import {
  BoundedMap,
  CODEOWNERS_LOCATIONS,
  evaluateApproval,
  parseCodeOwners,
  VALIDATION_CHECK_CONTEXT,
  type ChangeRequest,
  type CodeOwnersRule,
  type CommitCheck,
  type OwnerDirectory,
} from '@butler-portal/plugin-gitops-node';
import type { ChangeMeta } from './changeMeta';
import {
  checksOfNote,
  readStatusNoteBlob,
  readStatusNoteIndex,
} from './commitStatusNotes';
import type { ObjectStore } from './objectStore';
import { readTextAt } from './readTree';
import type { RefStore } from './refStore';
import { COMMIT_STATUS_NOTES_REF } from './commitStatusNotes';
import { diffPathsWithGit } from './diffTreeBatch';
import { diffPaths } from './treeDiff';
import { mergeTrees } from './treeMerge';

/** Per-call cache so that listing many changes reads each shared thing once. */
export interface ViewContext {
  notesCommit?: string;
  codeOwners: Map<string, Promise<CodeOwnersRule[]>>;
  /** the status notes of notesCommit, commit id → note blob id; read on first use */
  notes?: Promise<Map<string, string>>;
}

/** how long a computed view is reused for the same refs (the catalog's answers age) */
const VIEW_TTL_MS = 15_000;
const VIEW_CACHE_SIZE = 20_000;
/**
 * What never changes for given commits is kept much longer than a view: the changed paths
 * between a base and a head, and the checks of a note blob. A merge or a status written anywhere
 * in the repository ends every view's inputs (target tip, notes commit), and a listing of
 * hundreds of merged changes then recomputes each view from these instead of from the trees.
 */
const COMMIT_CACHE_SIZE = 20_000;

export interface ChangeViewsOptions {
  repository: string;
  objects: ObjectStore;
  refs: RefStore;
  directory: OwnerDirectory;
  requiredApprovals: number;
  allowSelfApproval: boolean;
  /** the bare repository, for batches of diffs with the real git (see diffTreeBatch) */
  gitDir?: string;
}

export class ChangeViews {
  private readonly cache = new BoundedMap<
    string,
    { view: ChangeRequest; until: number }
  >({
    maxEntries: VIEW_CACHE_SIZE,
  });
  /** changed paths by base and head commit */
  private readonly paths = new BoundedMap<string, Promise<string[]>>({
    maxEntries: COMMIT_CACHE_SIZE,
  });
  /** checks by note blob id */
  private readonly noteChecks = new BoundedMap<string, Promise<CommitCheck[]>>({
    maxEntries: COMMIT_CACHE_SIZE,
  });
  /** the index of the latest notes commit (a page of views is one getChange per row) */
  private notesIndex?: { commit?: string; index: Promise<Map<string, string>> };

  constructor(private readonly options: ChangeViewsOptions) {}

  /** head and merge base as they are now: an open change follows its source branch */
  async currentSides(meta: ChangeMeta) {
    const targetTip = await this.options.refs.read(
      `refs/heads/${meta.targetBranch}`,
    );
    if (meta.state !== 'open') {
      return {
        targetTip,
        head: meta.headSha,
        base: meta.baseSha,
        branchTip: undefined,
      };
    }
    const branchTip = await this.options.refs.read(
      `refs/heads/${meta.sourceBranch}`,
    );
    const head = branchTip ?? meta.headSha;
    const base =
      (targetTip && (await this.options.objects.mergeBase(head, targetTip))) ||
      meta.baseSha;
    return { targetTip, head, base, branchTip };
  }

  private codeOwnersAt(
    commit: string,
    ctx: ViewContext,
  ): Promise<CodeOwnersRule[]> {
    let rules = ctx.codeOwners.get(commit);
    if (!rules) {
      rules = (async () => {
        for (const location of CODEOWNERS_LOCATIONS) {
          const file = await readTextAt(this.options.objects, commit, location);
          if (file) return parseCodeOwners(file.content);
        }
        return [];
      })();
      ctx.codeOwners.set(commit, rules);
    }
    return rules;
  }

  async newContext(): Promise<ViewContext> {
    return {
      notesCommit: await this.options.refs.read(COMMIT_STATUS_NOTES_REF),
      codeOwners: new Map(),
    };
  }

  /**
   * The change request as it stands now. Its inputs are the record (number and update time), the
   * tips of both branches and the status notes; for the same inputs the answer is kept for a
   * little while (group membership, read from the catalog, may change meanwhile), so that a
   * listing of every change request does not merge-test each one again.
   */
  async view(meta: ChangeMeta, ctx: ViewContext): Promise<ChangeRequest> {
    const [targetTip, branchTip] = await Promise.all([
      this.options.refs.read(`refs/heads/${meta.targetBranch}`),
      meta.state === 'open'
        ? this.options.refs.read(`refs/heads/${meta.sourceBranch}`)
        : undefined,
    ]);
    const key = [
      meta.number,
      meta.updatedAt,
      targetTip,
      branchTip,
      ctx.notesCommit,
    ].join('\u0000');
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return structuredClone(cached.view);
    const view = await this.computeView(meta, ctx);
    for (const [k, v] of this.cache) if (v.until <= now) this.cache.delete(k);
    this.cache.set(key, { view, until: now + VIEW_TTL_MS });
    return structuredClone(view);
  }

  /** the paths a change touches now (its current sides), without working out its view */
  async pathsOf(meta: ChangeMeta): Promise<string[]> {
    const { head, base } = await this.currentSides(meta);
    return this.changedPaths(base, head);
  }

  /**
   * The paths of many changes: the pairs not known yet are diffed in one git process (falling
   * back to the diff in JavaScript should git fail), then each is answered as pathsOf would.
   */
  async pathsOfMany(metas: readonly ChangeMeta[]): Promise<string[][]> {
    const sides = await Promise.all(metas.map(m => this.currentSides(m)));
    const unknown = new Map<string, { base: string; head: string }>();
    for (const { base, head } of sides) {
      const key = `${base}\u0000${head}`;
      if (!this.paths.has(key)) unknown.set(key, { base, head });
    }
    const { gitDir } = this.options;
    if (gitDir && unknown.size > 1) {
      const pairs = [...unknown.values()];
      const batch = diffPathsWithGit(gitDir, pairs).catch(() => undefined);
      pairs.forEach(({ base, head }, i) => {
        const key = `${base}\u0000${head}`;
        this.paths.setUntilRejected(
          key,
          batch.then(
            answers =>
              answers?.[i] ??
              diffPaths(this.options.objects, base, head).then(changed =>
                changed.map(c => c.path),
              ),
          ),
        );
      });
    }
    return Promise.all(
      sides.map(({ base, head }) => this.changedPaths(base, head)),
    );
  }

  /** the paths changed between two commits (both fixed: the answer never changes) */
  private changedPaths(base: string, head: string): Promise<string[]> {
    const key = `${base}\u0000${head}`;
    const paths =
      this.paths.get(key) ??
      this.paths.setUntilRejected(
        key,
        diffPaths(this.options.objects, base, head).then(changed =>
          changed.map(c => c.path),
        ),
      );
    return paths.then(list => [...list]);
  }

  /** the checks recorded for a commit in the context's notes commit */
  private async checksOf(
    head: string,
    ctx: ViewContext,
  ): Promise<CommitCheck[]> {
    if (!this.notesIndex || this.notesIndex.commit !== ctx.notesCommit) {
      const index = readStatusNoteIndex(this.options.objects, ctx.notesCommit);
      index.catch(() => (this.notesIndex = undefined));
      this.notesIndex = { commit: ctx.notesCommit, index };
    }
    ctx.notes ??= this.notesIndex!.index;
    const blob = (await ctx.notes).get(head);
    if (!blob) return [];
    const checks =
      this.noteChecks.get(blob) ??
      this.noteChecks.setUntilRejected(
        blob,
        readStatusNoteBlob(this.options.objects, blob).then(checksOfNote),
      );
    return structuredClone(await checks);
  }

  private async computeView(
    meta: ChangeMeta,
    ctx: ViewContext,
  ): Promise<ChangeRequest> {
    const { targetTip, head, base } = await this.currentSides(meta);
    const [paths, checks] = await Promise.all([
      this.changedPaths(base, head),
      this.checksOf(head, ctx),
    ]);
    const { state: approval, changesRequestedBy } = await evaluateApproval({
      reviews: meta.reviews,
      headSha: head,
      authorRef: meta.author.userRef,
      paths,
      // the rules of the branch the change goes into, as on GitHub
      codeOwners: targetTip ? await this.codeOwnersAt(targetTip, ctx) : [],
      policy: {
        requiredApprovals: this.options.requiredApprovals,
        allowSelfApproval: this.options.allowSelfApproval,
      },
      directory: this.options.directory,
    });

    let mergeableReason: string | undefined;
    if (meta.state !== 'open') {
      mergeableReason = meta.state;
    } else if (!targetTip) {
      mergeableReason = 'target_missing';
    } else if (
      (
        await mergeTrees(this.options.objects, {
          base,
          ours: targetTip,
          theirs: head,
          write: false,
        })
      ).conflicts.length > 0
    ) {
      mergeableReason = 'conflict';
    } else if (changesRequestedBy.length > 0) {
      mergeableReason = 'changes_requested';
    } else if (!approval.approved) {
      mergeableReason = 'not_approved';
    } else if (checks.some(c => c.state === 'failure' || c.state === 'error')) {
      mergeableReason = 'checks_failed';
    } else if (
      checks.some(c => c.state === 'pending') ||
      // no validation status yet is not a pass: it is still to come
      !checks.some(c => c.context === VALIDATION_CHECK_CONTEXT)
    ) {
      mergeableReason = 'checks_pending';
    }

    return {
      id: String(meta.number),
      number: meta.number,
      repository: this.options.repository,
      title: meta.title,
      description: meta.description,
      state: meta.state,
      sourceBranch: meta.sourceBranch,
      targetBranch: meta.targetBranch,
      headSha: head,
      baseSha: base,
      ...(meta.mergeCommitSha && { mergeCommitSha: meta.mergeCommitSha }),
      author: {
        name: meta.author.name,
        email: meta.author.email,
        userRef: meta.author.userRef,
      },
      createdAt: meta.createdAt,
      updatedAt: meta.updatedAt,
      reviews: meta.reviews,
      checks,
      approval,
      mergeable: mergeableReason === undefined,
      ...(mergeableReason && { mergeableReason }),
      paths,
    };
  }
}
