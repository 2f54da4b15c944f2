/*
 * A real git repository driven by the git CLI, seen through the read side of the GitProvider
 * interface (head, readFile, readFileBytes, listTree): what Keeper uses of a provider. Tests
 * commit, branch and move tags with git itself, so "merged" means exactly "on main".
 */
import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { NotFoundError } from '@backstage/errors';
import {
  PORTAL_SIGNATURE,
  SEED_COMMIT_DATE,
} from '@butler-portal/plugin-gitops-backend-module-local';
import {
  validateShortRef,
  type GitProvider,
} from '@butler-portal/plugin-gitops-node';

const ENV = {
  PATH: process.env.PATH,
  HOME: '/tmp',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

/** the fields of a change request Keeper reads */
export interface TestChange {
  id: string;
  number: number;
  repository: string;
  title: string;
  state: 'open' | 'merged' | 'closed';
  headSha: string;
  paths: string[];
  url?: string;
}

export class GitRepo {
  readonly changes: TestChange[] = [];

  constructor(readonly id: string, readonly dir: string) {}

  /** a change request: a branch with one commit off main, not merged */
  openChange(title: string, files: Record<string, string | null>): TestChange {
    const number = this.changes.length + 1;
    this.git('checkout', '-q', '-b', `change/${number}`, 'main');
    const headSha = this.commit(files, title);
    this.git('checkout', '-q', 'main');
    const change: TestChange = {
      id: String(number),
      number,
      repository: this.id,
      title,
      state: 'open',
      headSha,
      paths: Object.keys(files),
    };
    this.changes.push(change);
    return change;
  }

  /**
   * A repository with one first commit. `asPortalSeed` makes that commit exactly the one the
   * local provider seeds from a repo layout (its identity, fixed date and message), so records
   * pinning the seeded commit (the platform examples) find it here too.
   */
  static create(
    id: string,
    dir: string,
    seedDir?: string,
    options: { asPortalSeed?: boolean } = {},
  ): GitRepo {
    fs.mkdirSync(dir, { recursive: true });
    const repo = new GitRepo(id, dir);
    repo.git('init', '-q', '-b', 'main');
    if (seedDir) fs.cpSync(seedDir, dir, { recursive: true });
    else fs.writeFileSync(path.join(dir, '.keep'), '');
    repo.git('add', '-A');
    if (options.asPortalSeed && seedDir) {
      const date = `${SEED_COMMIT_DATE.getTime() / 1000} +0000`;
      execFileSync(
        'git',
        [
          'commit',
          '-q',
          '-m',
          `Initial commit from repository layout ${path.basename(seedDir)}`,
        ],
        {
          cwd: dir,
          env: {
            ...ENV,
            GIT_AUTHOR_NAME: PORTAL_SIGNATURE.name,
            GIT_AUTHOR_EMAIL: PORTAL_SIGNATURE.email,
            GIT_COMMITTER_NAME: PORTAL_SIGNATURE.name,
            GIT_COMMITTER_EMAIL: PORTAL_SIGNATURE.email,
            GIT_AUTHOR_DATE: date,
            GIT_COMMITTER_DATE: date,
          },
        },
      );
    } else {
      repo.git('commit', '-q', '-m', 'initial');
    }
    return repo;
  }

  git(...args: string[]): string {
    return execFileSync('git', args, {
      cwd: this.dir,
      env: ENV,
      maxBuffer: 64 * 1024 * 1024,
    })
      .toString('utf8')
      .trim();
  }

  /** writes (or deletes, with `null`) files and commits them on the current branch */
  commit(files: Record<string, string | null>, message = 'change'): string {
    for (const [file, content] of Object.entries(files)) {
      const full = path.join(this.dir, file);
      if (content === null) fs.rmSync(full, { force: true });
      else {
        fs.mkdirSync(path.dirname(full), { recursive: true });
        fs.writeFileSync(full, content);
      }
    }
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }

  /** a file's bytes at a revision, as `git cat-file` gives them */
  readBytes(file: string, ref: string) {
    try {
      const sha = this.git('rev-parse', `${ref}:${file}`);
      const content = execFileSync('git', ['cat-file', 'blob', sha], {
        cwd: this.dir,
        env: ENV,
        maxBuffer: 64 * 1024 * 1024,
      });
      return { path: file, content, sha };
    } catch {
      return undefined;
    }
  }

  headOf(ref = 'main'): string {
    return this.git('rev-parse', `${ref}^{commit}`);
  }

  provider(): GitProvider {
    const notUsed = (): never => {
      throw new Error('not used by Keeper');
    };
    return {
      repository: this.id,
      type: 'local',
      defaultBranch: async () => 'main',
      head: async (branch?: string) => this.headOf(branch ?? 'main'),
      // as the local provider does (its own tests cover ambiguity and peeling)
      resolveRef: async (ref: string) => {
        validateShortRef(ref);
        for (const full of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
          try {
            return this.git('rev-parse', '--verify', '-q', `${full}^{commit}`);
          } catch {
            // not this kind of ref
          }
        }
        throw new NotFoundError(`no branch or tag '${ref}' in ${this.id}`);
      },
      readFile: async (file: string, ref = 'main') => {
        const bytes = this.readBytes(file, ref);
        return bytes && { ...bytes, content: bytes.content.toString('utf8') };
      },
      readFileBytes: async (file: string, ref = 'main') =>
        this.readBytes(file, ref),
      listTree: async (ref = 'main', prefix?: string) => {
        const out = this.git(
          'ls-tree',
          '-r',
          '--full-tree',
          ref,
          ...(prefix ? ['--', prefix] : []),
        );
        return out
          .split('\n')
          .filter(Boolean)
          .map(line => {
            const [meta, file] = line.split('\t');
            return { path: file, sha: meta.split(' ')[2] };
          })
          .filter(e => !prefix || e.path.startsWith(prefix));
      },
      changedPaths: notUsed,
      openChange: notUsed,
      listChanges: async (filter?: { state?: string }) =>
        this.changes.filter(c => !filter?.state || c.state === filter.state),
      getChange: notUsed,
      getChangeFiles: notUsed,
      review: notUsed,
      merge: notUsed,
      close: notUsed,
      setCommitStatus: notUsed,
    } as unknown as GitProvider;
  }
}
