/*
 * The change-request service: every portal write goes through here, on any provider.
 *
 *   (operation, resource) → the whole new file, validated at its layout path
 *     → branch butler/<kind>/<name>/<short-id> → ONE commit authored by the signed-in user
 *     → a change request whose description shows the diff and the validation result.
 *
 * Nothing is written before the input is known to be good: names become paths only through
 * the repo layout (which refuses `../x`), and an invalid file is refused with located issues
 * before a branch exists. The provider creates branch, commit and change request all or nothing.
 */
import { createHash, randomBytes } from 'crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  isError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import {
  applyObjectToYaml,
  findKind,
  InvalidResourcePathError,
  KINDS,
  MAX_NESTING_DEPTH,
  parseResourcePath,
  resourcePath,
  stringifyResource,
  validate,
  YamlEditError,
  type KindInfo,
  type RepoLayout,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import type {
  Actor,
  ChangedFile,
  ChangedPath,
  ChangeRequest,
  FileOperation,
  Review,
  ReviewDecision,
} from '../provider/types';
import {
  keeperSourceIssues,
  providerSourceTree,
  repositoryIdOfUrl,
  type KeeperArtifactType,
  type KeeperSources,
} from '../keeper/keeperRules';
import { canonicalJson } from '../util/canonicalJson';
import { mapLimited } from '../util/mapLimited';
import { formatChangeId, parseChangeId } from './changeIds';
import { defaultChangeTitle, describeChange } from './describeChange';
import {
  MAX_IDEMPOTENCY_KEY_LENGTH,
  type IdempotencyStore,
} from './IdempotencyStore';
import { RequestFieldError } from './RequestFieldError';
import { ResourceValidationError } from './ResourceValidationError';
import type {
  ChangeAuthor,
  ChangeDetail,
  ChangeListFilter,
  ChangeOperation,
  ChangePage,
  ChangePageRequest,
  ChangeRepository,
  ChangeResourceRef,
  ChangeSubmission,
  ChangeSummary,
  ChangeValidation,
  SubmittedChange,
} from './types';
import { unifiedDiff } from './unifiedDiff';
import {
  validateChangeFiles,
  validationCheck,
  VALIDATION_CHECK_CONTEXT,
} from './validateChangeFiles';
import { BoundedMap } from '../util';

export interface ChangeServiceOptions {
  repositories: readonly ChangeRepository[];
  /** required for submissions that carry an idempotency key */
  idempotency?: IdempotencyStore;
  logger?: LoggerService;
  /** the random part of branch names; injectable for tests */
  randomId?: () => string;
  /**
   * fetches a chart or bundle archive for Keeper's digest rule; without it archive digests are
   * not checked by the change check (the registry still refuses a mismatch when serving)
   */
  fetchArchive?: (url: string) => Promise<Uint8Array>;
}

export interface SubmitOptions {
  /** the `Idempotency-Key` header: a retry with the same key returns the same change */
  idempotencyKey?: string;
}

/** How many providers calls a list runs at once (GitHub/GitLab rate limits). */
const LIST_CONCURRENCY = 8;
/** A file above this (both sides together) is not diffed or sent: diffing is quadratic at worst. */
export const MAX_DIFF_FILE_BYTES = 512 * 1024;
/** What one change's files may add to an answer; later files are listed without content. */
export const MAX_DIFF_TOTAL_BYTES = 4 * 1024 * 1024;

/** The files of a change with their diffs, within the size caps (`diffTooLarge` beyond them). */
function boundedDiffs(files: readonly ChangedFile[]): ChangeDetail['files'] {
  let budget = MAX_DIFF_TOTAL_BYTES;
  return files.map(f => {
    const size =
      Buffer.byteLength(f.before ?? '') + Buffer.byteLength(f.after ?? '');
    if (size > MAX_DIFF_FILE_BYTES || size * 2 > budget) {
      return { path: f.path, status: f.status, diff: '', diffTooLarge: true };
    }
    const diff = unifiedDiff(f.path, f.before, f.after);
    budget -= size + Buffer.byteLength(diff);
    return {
      path: f.path,
      status: f.status,
      ...(f.before !== undefined && { before: f.before }),
      ...(f.after !== undefined && { after: f.after }),
      diff,
    };
  });
}

/** Page sizes of `GET /changes`. */
export const DEFAULT_CHANGE_PAGE = 100;
export const MAX_CHANGE_PAGE = 500;
/** summaries' changed paths kept, by base and head commit */
const CHANGED_PATHS_CACHE_SIZE = 5000;
/** validations shown on change pages kept, by repository and head commit */
const VIEW_VALIDATION_CACHE_SIZE = 500;

function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64url');
}

function decodeOffset(cursor: string): number {
  try {
    const { offset } = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // reported below
  }
  throw new RequestFieldError(
    'cursor',
    'not a cursor of this listing (pass nextCursor back unchanged)',
  );
}

const OPERATION_OF_STATUS: Record<ChangedPath['status'], ChangeOperation> = {
  added: 'create',
  modified: 'update',
  deleted: 'delete',
};

interface PlannedChange {
  operation: ChangeOperation;
  kind: KindInfo;
  namespace: string;
  name: string;
  path: string;
  repository: ChangeRepository;
}

function isConflict(error: unknown): boolean {
  return isError(error) && error.name === 'ConflictError';
}

/** `butler/<kind>/<name>/<short-id>`; `.lock` is not allowed at the end of a ref component */
function changeBranch(kind: string, name: string, shortId: string): string {
  return `butler/${kind.toLowerCase()}/${name.replace(
    /\.lock$/,
    '-lock',
  )}/${shortId}`;
}

/** whether `value` nests objects or arrays deeper than `max`; iterative, so never overflows */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) {
      pending.push([child, depth + 1]);
    }
  }
  return false;
}

/** resourcePath, with a bad namespace or name reported as that field of the request */
function locatedPathOf(ref: ResourceRef, layout?: RepoLayout): string {
  try {
    return resourcePath(ref, layout);
  } catch (error) {
    if (
      !(error instanceof InvalidResourcePathError) ||
      (error.part !== 'namespace' && error.part !== 'name')
    ) {
      throw error;
    }
    throw new RequestFieldError(
      error.part,
      error.message.replace(`${error.part}: `, ''),
    );
  }
}

/** Which changes a listing keeps, judged on the paths each touches (the caller's read rule). */
export interface ChangeVisibility {
  visible?: (change: {
    repository: string;
    paths: readonly string[];
  }) => boolean;
}

export class ChangeService {
  private readonly repos = new Map<string, ChangeRepository>();
  private readonly changedPathsCache = new BoundedMap<
    string,
    readonly ChangedPath[]
  >({ maxEntries: CHANGED_PATHS_CACHE_SIZE });
  private readonly viewValidationCache = new BoundedMap<
    string,
    ChangeValidation
  >({ maxEntries: VIEW_VALIDATION_CACHE_SIZE });
  private readonly idempotency?: IdempotencyStore;
  private readonly logger?: LoggerService;
  private readonly randomId: () => string;
  private readonly fetchArchive?: (url: string) => Promise<Uint8Array>;

  constructor(options: ChangeServiceOptions) {
    for (const repository of options.repositories) {
      if (this.repos.has(repository.id)) {
        throw new Error(`repository id '${repository.id}' is configured twice`);
      }
      this.repos.set(repository.id, repository);
    }
    this.idempotency = options.idempotency;
    this.logger = options.logger;
    this.randomId = options.randomId ?? (() => randomBytes(4).toString('hex'));
    this.fetchArchive = options.fetchArchive;
  }

  /**
   * The validation of a change's files: every file's own rules, and Keeper's source rules for
   * the ArtifactVersion files whose source is one of the portal's repositories (its pinned commit
   * exists and holds what the artifact's type says, read through that repository's provider),
   * plus archive digests when `fetchArchive` is given. A source outside the portal is not checked.
   */
  private async validateFiles(
    repository: ChangeRepository,
    files: readonly ChangedFile[],
    headSha: string,
  ): Promise<ChangeValidation> {
    const validation = validateChangeFiles(files, repository.layout);
    const invalid = new Set(validation.issues.map(i => i.file));
    const versions = files.filter(
      f =>
        f.after !== undefined &&
        f.status !== 'deleted' &&
        !invalid.has(f.path) &&
        parseResourcePath(f.path, repository.layout)?.kind ===
          'ArtifactVersion',
    );
    if (versions.length === 0) return validation;
    const ids = [...this.repos.keys()];
    const sources: KeeperSources = {
      repository: git => {
        const id = git.repository ?? repositoryIdOfUrl(git.url, ids);
        const provider = id ? this.repos.get(id)?.provider : undefined;
        return provider && providerSourceTree(provider);
      },
      fetchArchive: this.fetchArchive,
    };
    const issues = (
      await mapLimited(versions, LIST_CONCURRENCY, async file => {
        const artifactType = await this.artifactTypeOf(
          repository,
          files,
          file,
          headSha,
        );
        return keeperSourceIssues(
          { file: file.path, text: file.after!, artifactType },
          sources,
        );
      })
    ).flat();
    return issues.length === 0
      ? validation
      : { ok: false, issues: [...validation.issues, ...issues] };
  }

  /** the type of the Artifact a version file names: from the change itself, else its head */
  private async artifactTypeOf(
    repository: ChangeRepository,
    files: readonly ChangedFile[],
    version: ChangedFile,
    headSha: string,
  ): Promise<KeeperArtifactType | undefined> {
    const ref = parseResourcePath(version.path, repository.layout);
    const parsed = validate(version.after!, version.path, {
      layout: repository.layout,
    });
    const artifact = parsed.ok
      ? (parsed.resource as { spec?: { artifact?: string } }).spec?.artifact
      : undefined;
    if (!ref || !artifact) return undefined;
    let path: string;
    try {
      path = resourcePath(
        { kind: 'Artifact', namespace: ref.namespace, name: artifact },
        repository.layout,
      );
    } catch {
      return undefined;
    }
    const text =
      files.find(f => f.path === path)?.after ??
      (await repository.provider.readFile(path, headSha))?.content;
    if (text === undefined) return undefined;
    const record = validate(text, path, { layout: repository.layout });
    return record.ok
      ? (record.resource as { spec?: { type?: KeeperArtifactType } }).spec?.type
      : undefined;
  }

  /** the configured repositories, in configuration order */
  repositories(): ChangeRepository[] {
    return [...this.repos.values()];
  }

  /** @throws NotFoundError for an id that is not configured */
  repository(id: string): ChangeRepository {
    const repository = this.repos.get(id);
    if (!repository) {
      throw new NotFoundError(
        `repository ${JSON.stringify(
          String(id).slice(0, 80),
        )} is not configured (known: ${[...this.repos.keys()].join(', ')})`,
      );
    }
    return repository;
  }

  /** repositories holding a kind, in configuration order */
  repositoriesFor(kind: KindInfo): ChangeRepository[] {
    return this.repositories().filter(r => r.kinds.includes(kind.kind));
  }

  // ---------------------------------------------------------------- submitting

  /**
   * Opens a change request adding, editing or deleting the file of one resource.
   *
   * @throws InputError (400) for bad input, ResourceValidationError (400, with issues) for an
   *   invalid file, NotFoundError (404) when updating or deleting a missing file, ConflictError
   *   (409) for a create of an existing file, a file changed since `baseRevision`, or a key in use
   */
  async submit(
    submission: ChangeSubmission,
    author: ChangeAuthor,
    options: SubmitOptions = {},
  ): Promise<SubmittedChange> {
    const plan = this.plan(submission);
    const key = options.idempotencyKey;
    if (key === undefined) {
      return this.open(plan, submission, author, this.randomId());
    }
    const store = this.requireIdempotencyStore(key);
    const ref = { key, userRef: author.actor.userRef };
    const claim = await store.claim({
      ...ref,
      requestHash: createHash('sha256')
        .update(canonicalJson(submission))
        .digest('hex'),
    });
    switch (claim.state) {
      case 'completed':
        return this.replay(claim.changeId);
      case 'in_progress':
        throw new ConflictError(
          `a request with Idempotency-Key ${JSON.stringify(
            key,
          )} is still being processed; retry shortly`,
        );
      case 'mismatch':
        throw new ConflictError(
          `Idempotency-Key ${JSON.stringify(
            key,
          )} was already used for a different request; use a new key`,
        );
      default:
        break;
    }
    try {
      // the branch name follows from the key: should this process die between opening the
      // change and recording it, the retry finds the change by its branch
      const shortId = createHash('sha256')
        .update(`${ref.userRef}\n${key}`)
        .digest('hex')
        .slice(0, 8);
      const submitted = await this.open(plan, submission, author, shortId);
      await store.complete({ ...ref, changeId: submitted.id });
      return submitted;
    } catch (error) {
      await store
        .release(ref)
        .catch(e =>
          this.logger?.warn(`could not release Idempotency-Key ${key}: ${e}`),
        );
      throw error;
    }
  }

  private requireIdempotencyStore(key: string): IdempotencyStore {
    if (
      typeof key !== 'string' ||
      key.length === 0 ||
      key.length > MAX_IDEMPOTENCY_KEY_LENGTH ||
      !/^[\x21-\x7e]+$/.test(key)
    ) {
      throw new InputError(
        `Idempotency-Key: 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters without spaces, e.g. a UUID`,
      );
    }
    if (!this.idempotency) {
      throw new Error(
        'ChangeService: an idempotency store is required for Idempotency-Key',
      );
    }
    return this.idempotency;
  }

  /** checks everything that needs no I/O; hostile names stop here, before anything is written */
  private plan(submission: ChangeSubmission): PlannedChange {
    if (!submission || typeof submission !== 'object') {
      throw new InputError('the request body must be an object');
    }
    const { operation } = submission;
    if (
      operation !== 'create' &&
      operation !== 'update' &&
      operation !== 'delete'
    ) {
      throw new RequestFieldError(
        'operation',
        'must be create, update or delete',
      );
    }
    const kind =
      typeof submission.kind === 'string'
        ? findKind(submission.kind)
        : undefined;
    if (!kind) {
      throw new RequestFieldError(
        'kind',
        `${JSON.stringify(
          String(submission.kind).slice(0, 80),
        )} is not a known kind (${KINDS.map(k => k.kind).join(', ')})`,
      );
    }
    const hasResource =
      submission.resource !== undefined && submission.resource !== null;
    const hasYaml = submission.yaml !== undefined && submission.yaml !== null;
    if (operation === 'delete' && (hasResource || hasYaml)) {
      throw new RequestFieldError(
        hasResource ? 'resource' : 'yaml',
        'a delete takes neither resource nor yaml',
      );
    }
    if (operation !== 'delete' && hasResource === hasYaml) {
      throw new RequestFieldError(
        'resource',
        `${operation}: give exactly one of resource (an object) or yaml (the file text)`,
      );
    }
    if (
      hasResource &&
      (typeof submission.resource !== 'object' ||
        Array.isArray(submission.resource))
    ) {
      throw new RequestFieldError('resource', 'must be an object');
    }
    // the YAML codec and the canonical JSON of the idempotency hash recurse: a 3 MB body can
    // nest deep enough to overflow the stack (a 500), so the file's own nesting limit holds here
    if (
      hasResource &&
      nestsDeeperThan(submission.resource, MAX_NESTING_DEPTH)
    ) {
      throw new RequestFieldError(
        'resource',
        `nesting is deeper than ${MAX_NESTING_DEPTH} levels`,
      );
    }
    if (hasYaml && typeof submission.yaml !== 'string') {
      throw new RequestFieldError('yaml', 'must be a string');
    }

    let repository: ChangeRepository;
    if (submission.repository !== undefined) {
      const found = this.repos.get(submission.repository);
      if (!found) {
        throw new RequestFieldError(
          'repository',
          `${JSON.stringify(
            String(submission.repository).slice(0, 80),
          )} is not configured`,
        );
      }
      if (!found.kinds.includes(kind.kind)) {
        throw new RequestFieldError(
          'repository',
          `'${found.id}' does not hold ${kind.kind} resources`,
        );
      }
      repository = found;
    } else {
      const candidates = this.repositoriesFor(kind);
      if (candidates.length === 0) {
        throw new RequestFieldError(
          'kind',
          `no configured repository holds ${kind.kind} resources`,
        );
      }
      repository = candidates[0];
    }
    // the layout checks namespace and name (DNS-1123) before they become a path
    const path = locatedPathOf(
      {
        kind: kind.kind,
        namespace: submission.namespace,
        name: submission.name,
      },
      repository.layout,
    );
    if (
      submission.baseRevision !== undefined &&
      !/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(String(submission.baseRevision))
    ) {
      throw new RequestFieldError(
        'baseRevision',
        'must be a full commit id, as GET /resources returns it',
      );
    }
    return {
      operation,
      kind,
      namespace: submission.namespace,
      name: submission.name,
      path,
      repository,
    };
  }

  private async open(
    plan: PlannedChange,
    submission: ChangeSubmission,
    author: ChangeAuthor,
    shortId: string,
  ): Promise<SubmittedChange> {
    const { repository, path, operation, kind } = plan;
    const provider = repository.provider;
    const head = await provider.head();
    const current = await provider.readFile(path, head);
    if (submission.baseRevision) {
      await this.checkBaseRevision(plan, submission.baseRevision, head);
    }
    if (operation === 'create' && current) {
      throw new ConflictError(
        `${path} already exists in repository '${repository.id}': ${kind.kind} ${plan.namespace}/${plan.name} cannot be created again (update it instead)`,
      );
    }
    const branch = changeBranch(kind.kind, plan.name, shortId);
    if (operation === 'create') {
      await this.refusePendingCreate(plan, branch);
    }
    if (operation !== 'create' && !current) {
      throw new NotFoundError(
        `${path} does not exist on the default branch of repository '${repository.id}': no ${kind.kind} ${plan.namespace}/${plan.name} to ${operation}`,
      );
    }

    const notes = [...(author.notes ?? [])];
    let content: string | undefined;
    if (operation === 'create') {
      content = submission.yaml ?? stringifyResource(submission.resource!);
    } else if (operation === 'update') {
      if (submission.yaml !== undefined && submission.yaml !== null) {
        content = submission.yaml;
      } else {
        try {
          content = applyObjectToYaml(current!.content, submission.resource!);
        } catch (error) {
          if (!(error instanceof YamlEditError)) throw error;
          // the file on the default branch is broken; the edit replaces it whole
          content = stringifyResource(submission.resource!);
          notes.push(
            `${path} did not parse on the default branch (${error.message}); it is rewritten in full.`,
          );
        }
      }
    }

    let operations: FileOperation[];
    if (content === undefined) {
      operations = [{ action: 'delete', path }];
    } else {
      const result = validate(content, path, { layout: repository.layout });
      if (!result.ok) {
        throw new ResourceValidationError(path, result.issues);
      }
      if (current && current.content === content) {
        throw new RequestFieldError(
          submission.yaml !== undefined && submission.yaml !== null
            ? 'yaml'
            : 'resource',
          `${operation}: the new content of ${path} is the same as the current one`,
        );
      }
      operations = [
        { action: operation === 'create' ? 'create' : 'update', path, content },
      ];
    }

    const { actor } = author;
    const title =
      submission.title?.trim() ||
      defaultChangeTitle(operation, kind, plan.namespace, plan.name);
    const description = describeChange({
      operation,
      kind,
      namespace: plan.namespace,
      name: plan.name,
      path,
      actor,
      userDescription: submission.description,
      notes,
      validationIssues: content === undefined ? undefined : [],
      diff: unifiedDiff(path, current?.content, content),
    });

    let change: ChangeRequest;
    try {
      change = await provider.openChange({
        branch,
        baseCommit: head,
        title,
        description,
        message: `${title}\n\nRequested through Butler Portal by ${actor.name} (${actor.userRef}).\n`,
        operations,
        actor,
      });
    } catch (error) {
      const existing = isConflict(error)
        ? await this.findOwnChangeOnBranch(repository, branch, actor)
        : undefined;
      if (!existing) throw error;
      return this.submitted(repository, existing, false);
    }
    // valid by construction; the check lets branch protection require it like any CI check
    await this.reportCheck(repository, change.headSha, {
      ok: true,
      issues: [],
    });
    return this.submitted(repository, change, true);
  }

  /**
   * Git only refuses a create once the file is on the default branch: until then two change
   * requests could race to add one file (two form submits, a template run twice). The change on
   * this very branch is an earlier try of this request (same idempotency key), not a rival.
   *
   * @throws ConflictError naming the open change request that already adds the file
   */
  private async refusePendingCreate(
    plan: PlannedChange,
    branch: string,
  ): Promise<void> {
    const { repository, path, kind } = plan;
    const open = await repository.provider.listChanges({ state: 'open' });
    const pending = open.find(
      c => c.sourceBranch !== branch && c.paths.includes(path),
    );
    if (!pending) return;
    const id = formatChangeId(repository.id, pending.number);
    throw new ConflictError(
      `${kind.kind} ${plan.namespace}/${
        plan.name
      } is already being created by change request ${id}${
        pending.url ? ` (${pending.url})` : ''
      }, opened by ${
        pending.author.name
      }; no second change request was opened. Have that one reviewed and merged, or close it, or choose another name.`,
    );
  }

  private async checkBaseRevision(
    plan: PlannedChange,
    baseRevision: string,
    head: string,
  ) {
    if (baseRevision === head) return;
    let changed: ChangedPath[];
    try {
      changed = await plan.repository.provider.changedPaths(baseRevision, head);
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        throw new RequestFieldError(
          'baseRevision',
          `${baseRevision} is not a commit of repository '${plan.repository.id}'`,
        );
      }
      throw error;
    }
    if (changed.some(c => c.path === plan.path)) {
      throw new ConflictError(
        `${plan.path} changed since baseRevision ${baseRevision.slice(
          0,
          12,
        )} (the default branch is now at ${head.slice(
          0,
          12,
        )}); reload the resource and apply the edit again`,
      );
    }
  }

  /** the change an earlier, interrupted try with the same key opened on this branch */
  private async findOwnChangeOnBranch(
    repository: ChangeRepository,
    branch: string,
    actor: Actor,
  ): Promise<ChangeRequest | undefined> {
    const changes = await repository.provider.listChanges();
    return changes.find(
      c =>
        c.sourceBranch === branch &&
        (!c.author.userRef ||
          c.author.userRef.toLowerCase() === actor.userRef.toLowerCase()),
    );
  }

  private async replay(changeId: string): Promise<SubmittedChange> {
    const { repository, change } = await this.requireChange(changeId);
    return this.submitted(repository, change, false);
  }

  private submitted(
    repository: ChangeRepository,
    change: ChangeRequest,
    created: boolean,
  ): SubmittedChange {
    return {
      id: formatChangeId(repository.id, change.number),
      number: change.number,
      repository: repository.id,
      ...(change.url && { url: change.url }),
      branch: change.sourceBranch,
      state: change.state,
      created,
    };
  }

  /** Opens a change request for a branch pushed with git; its files are validated as a check. */
  async openFromBranch(
    input: {
      repository: string;
      branch: string;
      title: string;
      description?: string;
    },
    author: ChangeAuthor,
  ): Promise<ChangeSummary> {
    const repository = this.repository(input.repository);
    const { provider } = repository;
    if (!provider.openChangeFromBranch) {
      throw new NotImplementedError(
        `repository '${repository.id}' (${provider.type}) cannot open a change from a branch through the portal; open the pull request there`,
      );
    }
    const notes = author.notes?.length
      ? `\n\n${author.notes.map(n => `> Note: ${n}`).join('\n')}`
      : '';
    const change = await provider.openChangeFromBranch({
      branch: input.branch,
      title: input.title,
      description: `${input.description?.trim() ?? ''}${notes}`.trim(),
      actor: author.actor,
    });
    await this.recordValidation(repository.id, change.number);
    return this.summarize(
      repository,
      (await provider.getChange(String(change.number))) ?? change,
    );
  }

  /**
   * Validates the files of a change and reports the result as the `butler-portal/validate`
   * check on its head; call when a change opens or its branch moves. Never throws.
   */
  async recordValidation(repositoryId: string, number: number): Promise<void> {
    try {
      const repository = this.repository(repositoryId);
      const change = await repository.provider.getChange(String(number));
      if (!change || change.state !== 'open') return;
      const files = await repository.provider.getChangeFiles(String(number));
      await this.reportCheck(
        repository,
        change.headSha,
        await this.validateFiles(repository, files, change.headSha),
      );
    } catch (error) {
      this.logger?.warn(
        `could not validate change ${repositoryId}:${number}: ${error}`,
      );
    }
  }

  private async reportCheck(
    repository: ChangeRepository,
    sha: string,
    validation: { ok: boolean; issues: ChangeDetail['validation']['issues'] },
  ) {
    try {
      await repository.provider.setCommitStatus(
        sha,
        validationCheck(validation),
      );
    } catch (error) {
      // a missing status permission must not fail the change itself
      this.logger?.warn(
        `could not set the validation check on ${repository.id}@${sha}: ${error}`,
      );
    }
  }

  // ---------------------------------------------------------------- reading

  /** every change matching the filter, newest first */
  async listChanges(filter: ChangeListFilter = {}): Promise<ChangeSummary[]> {
    const items: ChangeSummary[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.listChangePage({
        ...filter,
        cursor,
        limit: MAX_CHANGE_PAGE,
      });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  /**
   * One page of changes, newest first. Filters use what the providers' listings carry (the
   * kind comes from the changed paths), so only the rows of the page are summarized, and a
   * summary's changed paths are cached by base and head commit (a merged change never moves).
   */
  async listChangePage(
    request: ChangePageRequest = {},
    options: ChangeVisibility = {},
  ): Promise<ChangePage> {
    const kind = request.kind ? findKind(request.kind) : undefined;
    if (request.kind && !kind) {
      throw new RequestFieldError(
        'kind',
        `${JSON.stringify(request.kind.slice(0, 80))} is not a known kind`,
      );
    }
    const offset = request.cursor ? decodeOffset(request.cursor) : 0;
    const limit = request.limit ?? DEFAULT_CHANGE_PAGE;
    const repositories = request.repository
      ? [this.repository(request.repository)]
      : this.repositories();
    const author = request.author?.toLowerCase();
    const byAuthor = (c: Pick<ChangeRequest, 'author'>) =>
      !author ||
      [c.author.userRef, c.author.login, c.author.email, c.author.name].some(
        v => v?.toLowerCase() === author,
      );
    // a row is either a change request already worked out, or the record of one whose view is
    // worked out only if it lands on the page (a listing of hundreds of merged changes then
    // costs their records and one page of views)
    type Row = {
      repository: ChangeRepository;
      number: number;
      updatedAt: string;
      change?: ChangeRequest;
    };
    const { visible } = options;
    // the kind and the caller's visibility are judged on the changed paths, before paging
    const needPaths = !!kind || !!visible;
    const pathsMatch = (repository: ChangeRepository, paths: string[]) =>
      (!kind ||
        paths.some(
          p => parseResourcePath(p, repository.layout)?.kind === kind.kind,
        )) &&
      (!visible || visible({ repository: repository.id, paths }));
    const lists = await Promise.all(
      repositories.map(async (repository): Promise<Row[]> => {
        const { provider } = repository;
        if (provider.listChangeRecords) {
          const records = await provider.listChangeRecords({
            state: request.state,
            ...(needPaths && { withPaths: true }),
          });
          // a provider whose records carry no paths is asked for the whole changes below
          if (!needPaths || records.every(r => r.paths)) {
            return records
              .filter(byAuthor)
              .filter(r => !needPaths || pathsMatch(repository, r.paths!))
              .map(c => ({
                repository,
                number: c.number,
                updatedAt: c.updatedAt,
              }));
          }
        }
        return (await provider.listChanges({ state: request.state }))
          .filter(byAuthor)
          .filter(c => pathsMatch(repository, c.paths))
          .map(change => ({
            repository,
            number: change.number,
            updatedAt: change.updatedAt,
            change,
          }));
      }),
    );
    const all = lists
      .flat()
      .sort(
        (a, b) =>
          b.updatedAt.localeCompare(a.updatedAt) ||
          a.repository.id.localeCompare(b.repository.id) ||
          b.number - a.number,
      );
    const page = all.slice(offset, offset + limit);
    const items = (
      await mapLimited(page, LIST_CONCURRENCY, async row => {
        const change =
          row.change ??
          (await row.repository.provider.getChange(String(row.number)));
        // gone, or moved to another state, between the listing and its view: left out
        if (!change || (request.state && change.state !== request.state))
          return undefined;
        return this.summarize(row.repository, change);
      })
    ).filter((item): item is ChangeSummary => item !== undefined);
    return {
      items,
      ...(offset + limit < all.length && {
        nextCursor: encodeOffset(offset + limit),
      }),
    };
  }

  /** open change requests touching one file */
  async openChangesTouching(
    repositoryId: string,
    path: string,
    options: ChangeVisibility = {},
  ): Promise<ChangeSummary[]> {
    const repository = this.repository(repositoryId);
    const open = (
      await repository.provider.listChanges({ state: 'open' })
    ).filter(
      c =>
        c.paths.includes(path) &&
        (!options.visible ||
          options.visible({ repository: repository.id, paths: c.paths })),
    );
    return mapLimited(open, LIST_CONCURRENCY, c =>
      this.summarize(repository, c),
    );
  }

  async getChange(id: string): Promise<ChangeDetail> {
    const { repository, change } = await this.requireChange(id);
    const files = await repository.provider.getChangeFiles(
      String(change.number),
    );
    const summary = await this.summarize(repository, change, files);
    return {
      ...summary,
      description: change.description,
      reviews: change.reviews,
      files: boundedDiffs(files),
      validation: await this.viewValidation(repository, files, change.headSha),
    };
  }

  /**
   * The validation a change page shows, once per head commit: the files are the head's, and
   * Keeper's rules may read source trees and fetch archives of up to 32 MiB, which a page view
   * must not repeat. Recording the check and merging validate afresh.
   */
  private async viewValidation(
    repository: ChangeRepository,
    files: readonly ChangedFile[],
    headSha: string,
  ): Promise<ChangeValidation> {
    const key = `${repository.id}\n${headSha}`;
    let validation = this.viewValidationCache.get(key);
    if (!validation) {
      validation = await this.validateFiles(repository, files, headSha);
      this.viewValidationCache.set(key, validation);
    }
    return validation;
  }

  private async requireChange(id: string) {
    const { repository: repositoryId, number } = parseChangeId(id);
    const repository = this.repository(repositoryId);
    const change = await repository.provider.getChange(String(number));
    if (!change) {
      throw new NotFoundError(`change ${id} not found`);
    }
    return { repository, change };
  }

  /** changed paths between base and head, cached: both are commits, so the answer never changes */
  private async changedPathsOf(
    repository: ChangeRepository,
    change: ChangeRequest,
  ): Promise<readonly ChangedPath[]> {
    const key = `${repository.id}\u0000${change.baseSha}\u0000${change.headSha}`;
    let paths = this.changedPathsCache.get(key);
    if (!paths) {
      paths = await repository.provider.changedPaths(
        change.baseSha,
        change.headSha,
      );
      this.changedPathsCache.set(key, paths);
    }
    return paths;
  }

  private async summarize(
    repository: ChangeRepository,
    change: ChangeRequest,
    changed?: readonly ChangedPath[],
  ): Promise<ChangeSummary> {
    const paths = changed ?? (await this.changedPathsOf(repository, change));
    const resources: ChangeResourceRef[] = [];
    for (const { path, status } of paths) {
      const ref = parseResourcePath(path, repository.layout);
      if (ref)
        resources.push({ ...ref, operation: OPERATION_OF_STATUS[status] });
    }
    return {
      id: formatChangeId(repository.id, change.number),
      repository: repository.id,
      provider: repository.provider.type,
      number: change.number,
      title: change.title,
      state: change.state,
      branch: change.sourceBranch,
      targetBranch: change.targetBranch,
      author: change.author,
      createdAt: change.createdAt,
      updatedAt: change.updatedAt,
      ...(change.url && { url: change.url }),
      paths: change.paths,
      resources,
      approval: change.approval,
      ...(change.mergeable !== undefined && { mergeable: change.mergeable }),
      ...(change.mergeableReason && {
        mergeableReason: change.mergeableReason,
      }),
      checks: change.checks,
      headSha: change.headSha,
      ...(change.mergeCommitSha && { mergeCommitSha: change.mergeCommitSha }),
    };
  }

  // ---------------------------------------------------------------- reviewing and merging

  async review(
    id: string,
    input: { decision: ReviewDecision; comment?: string },
    actor: Actor,
  ): Promise<Review> {
    const { repository, change } = await this.requireChange(id);
    return repository.provider.review(String(change.number), {
      ...input,
      actor,
    });
  }

  /** @throws ConflictError (409) with the reason when it cannot merge */
  async merge(id: string, actor: Actor): Promise<ChangeSummary> {
    const { repository, change } = await this.requireChange(id);
    // the head is validated again here, whatever its checks say: a missing (or forged) status
    // must not let an invalid file onto the default branch
    if (change.state === 'open') {
      const files = await repository.provider.getChangeFiles(
        String(change.number),
      );
      const validation = await this.validateFiles(
        repository,
        files,
        change.headSha,
      );
      const recorded = change.checks.find(
        c => c.context === VALIDATION_CHECK_CONTEXT,
      );
      const expected = validationCheck(validation);
      if (recorded?.state !== expected.state) {
        await this.reportCheck(repository, change.headSha, validation);
      }
      if (!validation.ok) {
        throw new ResourceValidationError(
          validation.issues[0]?.file ?? id,
          validation.issues,
        );
      }
    }
    const merged = await repository.provider.merge(
      String(change.number),
      actor,
    );
    return this.summarize(repository, merged);
  }

  async close(id: string, actor: Actor): Promise<ChangeSummary> {
    const { repository, change } = await this.requireChange(id);
    const closed = await repository.provider.close(
      String(change.number),
      actor,
    );
    return this.summarize(repository, closed);
  }
}
