/*
 * A local change request as the GitProvider interface reports it: its current sides (an open
 * change follows its source branch), changed paths, checks, approval (the core's one approval
 * rule over the catalog's groups) and whether and why it can merge. Its inputs are the record and
 * the refs, so a view is kept for a little while for the same inputs.
 */
import {
  CODEOWNERS_LOCATIONS,
  evaluateApproval,
  parseCodeOwners,
  VALIDATION_CHECK_CONTEXT,
  type ChangeRequest,
  type CodeOwnersRule,
  type OwnerDirectory,
} from '@butler-portal/plugin-gitops-node';
import type { ChangeMeta } from './changeMeta';
import { readCommitChecks } from './commitStatusNotes';
import type { ObjectStore } from './objectStore';
import { readTextAt } from './readTree';
import type { RefStore } from './refStore';
import { COMMIT_STATUS_NOTES_REF } from './commitStatusNotes';
import { diffPaths } from './treeDiff';
import { mergeTrees } from './treeMerge';

/** Per-call cache so that listing many changes reads each shared thing once. */
export interface ViewContext {
  notesCommit?: string;
  codeOwners: Map<string, Promise<CodeOwnersRule[]>>;
}

/** how long a computed view is reused for the same refs (the catalog's answers age) */
const VIEW_TTL_MS = 15_000;
const VIEW_CACHE_SIZE = 20_000;

export interface ChangeViewsOptions {
  repository: string;
  objects: ObjectStore;
  refs: RefStore;
  directory: OwnerDirectory;
  requiredApprovals: number;
  allowSelfApproval: boolean;
}

export class ChangeViews {
  private readonly cache = new Map<string, { view: ChangeRequest; until: number }>();

  constructor(private readonly options: ChangeViewsOptions) {}

  /** head and merge base as they are now: an open change follows its source branch */
  async currentSides(meta: ChangeMeta) {
    const targetTip = await this.options.refs.read(`refs/heads/${meta.targetBranch}`);
    if (meta.state !== 'open') {
      return {
        targetTip,
        head: meta.headSha,
        base: meta.baseSha,
        branchTip: undefined,
      };
    }
    const branchTip = await this.options.refs.read(`refs/heads/${meta.sourceBranch}`);
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
  async view(
    meta: ChangeMeta,
    ctx: ViewContext,
  ): Promise<ChangeRequest> {
    const [targetTip, branchTip] = await Promise.all([
      this.options.refs.read(`refs/heads/${meta.targetBranch}`),
      meta.state === 'open' ? this.options.refs.read(`refs/heads/${meta.sourceBranch}`) : undefined,
    ]);
    const key = [meta.number, meta.updatedAt, targetTip, branchTip, ctx.notesCommit].join('\u0000');
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return structuredClone(cached.view);
    const view = await this.computeView(meta, ctx);
    for (const [k, v] of this.cache) if (v.until <= now) this.cache.delete(k);
    if (this.cache.size >= VIEW_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, { view, until: now + VIEW_TTL_MS });
    return structuredClone(view);
  }

  private async computeView(
    meta: ChangeMeta,
    ctx: ViewContext,
  ): Promise<ChangeRequest> {
    const { targetTip, head, base } = await this.currentSides(meta);
    const paths = (await diffPaths(this.options.objects, base, head)).map(c => c.path);
    const checks = await readCommitChecks(this.options.objects, ctx.notesCommit, head);
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
