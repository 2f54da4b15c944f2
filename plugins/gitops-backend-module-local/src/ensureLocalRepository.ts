/*
 * Creates a local provider repository on first start: a bare repository with one initial commit
 * holding the files of a repo-layout template. The repository is assembled in a temporary folder
 * beside the target and renamed into place, so a crash never leaves a half-made repository and
 * two processes starting together end up with the same one. Existing repositories are left as
 * they are, except that the push rules (hook, config) are brought up to date.
 */
import fs from 'fs';
import path from 'path';
import crypto from 'crypto';
import git from 'isomorphic-git';
import { InputError } from '@backstage/errors';
import { createGitFs } from './gitFs';
import { ObjectStore, Signature, TreeItem } from './objectStore';
import { RefStore } from './refStore';
import { validateBranchName } from '@butler-portal/plugin-gitops-node';

export interface EnsureLocalRepositoryOptions {
  /** the bare repository folder */
  dir: string;
  /** folder whose files become the initial commit (e.g. `repo-layouts/<layout>`) */
  templateDir?: string;
  defaultBranch?: string;
  initialAuthor: Signature;
}

/**
 * The date of every seeded first commit. With the fixed identity and message it makes the seed
 * commit a function of the layout's files only: every installation gets the same SHA, so records
 * in one seeded repository can pin commits of another (the registry examples pin `modules`).
 */
export const SEED_COMMIT_DATE = new Date('2026-01-01T00:00:00Z');

export interface EnsureLocalRepositoryResult {
  /** false when the repository already existed */
  created: boolean;
  defaultBranch: string;
}

/**
 * Pushes over smart HTTP (or to the folder directly) may create, update and delete branches,
 * never the default branch (it changes only by merging a change request) and never the refs the
 * portal keeps its own records in. Over smart HTTP the portal also hands the hook the source
 * branches of open change requests (BUTLER_CHANGE_BRANCHES_FILE: branch, number and author per
 * line, tab-separated) and the pusher (REMOTE_USER): only a change's author may push to its
 * branch, never deleting it, and not rewriting its history unless BUTLER_ALLOW_FORCE_PUSH=true.
 */
export const PRE_RECEIVE_HOOK = `#!/bin/sh
# Installed by Butler Portal (local Git provider); rewritten on every start.
# Only branches under refs/heads/ other than the default branch may be pushed: the default branch
# changes by merging a change request, and refs/changes/*, refs/meta/* and refs/notes/* hold the
# change requests, reviews and commit statuses the portal writes itself. The source branch of an
# open change request takes pushes from its author only, fast-forward only.
default_ref=$(git symbolic-ref -q HEAD)
zero=0000000000000000000000000000000000000000
pusher=$(printf '%s' "$REMOTE_USER" | tr 'A-Z' 'a-z')
rules="$BUTLER_CHANGE_BRANCHES_FILE"
status=0
while read -r old new ref; do
  case "$ref" in
    "$default_ref")
      echo "butler: $ref is the default branch; it changes only by merging a change request" >&2
      status=1 ;;
    refs/heads/*)
      branch=\${ref#refs/heads/}
      line=""
      if [ -n "$rules" ] && [ -f "$rules" ]; then
        line=$(awk -F '\\t' -v b="$branch" '$1 == b { print; exit }' "$rules")
      fi
      if [ -n "$line" ]; then
        number=$(printf '%s' "$line" | cut -f2)
        author=$(printf '%s' "$line" | cut -f3)
        if [ "$pusher" != "$(printf '%s' "$author" | tr 'A-Z' 'a-z')" ]; then
          echo "butler: $branch is the source branch of change request #$number by $author; only its author may push to it" >&2
          status=1
        elif [ "$new" = "$zero" ]; then
          echo "butler: $branch is the source branch of open change request #$number; close the change request before deleting the branch" >&2
          status=1
        elif [ "$BUTLER_ALLOW_FORCE_PUSH" != "true" ] && [ "$old" != "$zero" ] && ! git merge-base --is-ancestor "$old" "$new" 2>/dev/null; then
          echo "butler: a force-push to $branch (change request #$number) is refused; push new commits on top of it" >&2
          status=1
        fi
      fi ;;
    *)
      echo "butler: $ref may not be pushed; only branches under refs/heads/ (refs/changes, refs/meta and refs/notes are managed by the portal)" >&2
      status=1 ;;
  esac
done
exit $status
`;

const REPO_CONFIG: Record<string, string> = {
  'http.receivepack': 'true',
  'http.uploadpack': 'true',
  // refuse corrupt objects in pushes; keeps `git fsck` clean
  'receive.fsckObjects': 'true',
};

export async function isBareRepository(dir: string): Promise<boolean> {
  try {
    const [head, objects, refs] = await Promise.all([
      fs.promises.stat(path.join(dir, 'HEAD')),
      fs.promises.stat(path.join(dir, 'objects')),
      fs.promises.stat(path.join(dir, 'refs')),
    ]);
    return head.isFile() && objects.isDirectory() && refs.isDirectory();
  } catch {
    return false;
  }
}

/** writes the pre-receive hook and the push config when they differ from ours */
export async function installPushRules(dir: string): Promise<void> {
  const gitFs = createGitFs();
  for (const [key, value] of Object.entries(REPO_CONFIG)) {
    const current = await git.getConfig({ fs: gitFs, gitdir: dir, path: key });
    if (String(current) !== value) {
      await git.setConfig({ fs: gitFs, gitdir: dir, path: key, value });
    }
  }
  const hook = path.join(dir, 'hooks', 'pre-receive');
  const current = await fs.promises
    .readFile(hook, 'utf8')
    .catch(() => undefined);
  if (current !== PRE_RECEIVE_HOOK) {
    await fs.promises.mkdir(path.dirname(hook), { recursive: true });
    const tmp = `${hook}.tmp-${process.pid}-${crypto
      .randomBytes(4)
      .toString('hex')}`;
    await fs.promises.writeFile(tmp, PRE_RECEIVE_HOOK, { mode: 0o755 });
    await fs.promises.rename(tmp, hook);
  }
}

async function writeTemplateTree(
  store: ObjectStore,
  dir: string,
): Promise<string | undefined> {
  const entries: TreeItem[] = [];
  for (const d of await fs.promises.readdir(dir, { withFileTypes: true })) {
    if (d.name === '.git') continue;
    const full = path.join(dir, d.name);
    if (d.isDirectory()) {
      const oid = await writeTemplateTree(store, full);
      if (oid)
        entries.push({ mode: '040000', path: d.name, oid, type: 'tree' });
    } else if (d.isFile()) {
      const stat = await fs.promises.stat(full);
      const oid = await store.writeBlob(await fs.promises.readFile(full));
      // eslint-disable-next-line no-bitwise
      const mode = stat.mode & 0o111 ? '100755' : '100644';
      entries.push({ mode, path: d.name, oid, type: 'blob' });
    }
    // symlinks and special files are not part of a layout
  }
  return entries.length > 0 ? store.writeTree(entries) : undefined;
}

export async function ensureLocalRepository(
  options: EnsureLocalRepositoryOptions,
): Promise<EnsureLocalRepositoryResult> {
  const dir = path.resolve(options.dir);
  const defaultBranch = validateBranchName(
    options.defaultBranch ?? 'main',
    'defaultBranch',
  );

  if (await isBareRepository(dir)) {
    await installPushRules(dir);
    // a portal killed mid-write may have left ref locks that would block git pushes
    await new RefStore(dir).removeStaleLocks();
    const head = await new RefStore(dir).readSymbolic('HEAD');
    return {
      created: false,
      defaultBranch: head?.replace(/^refs\/heads\//, '') ?? defaultBranch,
    };
  }
  const existing = await fs.promises.readdir(dir).catch(() => undefined);
  if (existing && existing.length > 0) {
    throw new InputError(
      `${dir} exists and is not a bare git repository; refusing to touch it`,
    );
  }
  if (options.templateDir) {
    const stat = await fs.promises
      .stat(options.templateDir)
      .catch(() => undefined);
    if (!stat?.isDirectory()) {
      throw new InputError(
        `templateDir '${options.templateDir}' is not a folder`,
      );
    }
  }

  await fs.promises.mkdir(path.dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${crypto
    .randomBytes(4)
    .toString('hex')}`;
  try {
    await git.init({
      fs: createGitFs(),
      gitdir: tmp,
      bare: true,
      defaultBranch,
    });
    const store = new ObjectStore(tmp);
    const tree =
      (options.templateDir &&
        (await writeTemplateTree(store, options.templateDir))) ||
      (await store.writeTree([]));
    const commit = await store.writeCommit({
      tree,
      parents: [],
      message: options.templateDir
        ? `Initial commit from repository layout ${path.basename(
            options.templateDir,
          )}`
        : 'Initial commit',
      author: options.initialAuthor,
      date: SEED_COMMIT_DATE,
    });
    await new RefStore(tmp).transaction([
      { ref: `refs/heads/${defaultBranch}`, expect: null, value: commit },
    ]);
    await installPushRules(tmp);
    try {
      // replaces an empty folder; fails when another process got there first
      await fs.promises.rename(tmp, dir);
    } catch (e) {
      if (!(await isBareRepository(dir))) throw e;
      return ensureLocalRepository(options);
    }
    return { created: true, defaultBranch };
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}
