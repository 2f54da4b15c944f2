/*
 * The `gitops:` section of app-config, read once at start. Every mistake is reported with
 * its key, e.g. `gitops.repositories[1].provider: must be local|github|gitlab`, so a wrong config
 * stops the backend with a sentence instead of failing later on the first request.
 *
 * Moved here from plugins/gitops-backend/src/config so that every package reading the
 * repositories (gitops backend, catalog module, reconciler) reads them the same way; the copy in
 * gitops-backend is to be replaced by an import of this one.
 */
import path from 'path';
import type { Config } from '@backstage/config';
import { findKind, isDns1123Label, KINDS, type KindName } from '@butler-portal/plugin-gitops-common';

export const GITOPS_PROVIDER_TYPES = ['local', 'github', 'gitlab'] as const;
export type GitopsProviderType = (typeof GITOPS_PROVIDER_TYPES)[number];

interface RepositoryConfigBase {
  id: string;
  /** canonical kind names */
  kinds: KindName[];
  /** undefined = the provider's default (or the host's own rules) */
  requiredApprovals?: number;
  webhookSecret?: string;
}

export interface LocalRepositoryConfig extends RepositoryConfigBase {
  provider: 'local';
  /** absolute path of the bare repository */
  dir: string;
  /** absolute path of the layout that seeds a new repository; undefined = empty first commit */
  layoutDir?: string;
  defaultBranch?: string;
  allowSelfApproval: boolean;
}

export interface GithubRepositoryConfig extends RepositoryConfigBase {
  provider: 'github';
  host: string;
  owner: string;
  repo: string;
}

export interface GitlabRepositoryConfig extends RepositoryConfigBase {
  provider: 'gitlab';
  host: string;
  project: string;
}

export type GitopsRepositoryConfig =
  | LocalRepositoryConfig
  | GithubRepositoryConfig
  | GitlabRepositoryConfig;

export interface GitopsConfig {
  repositories: GitopsRepositoryConfig[];
  /** largest pack a `git push` to a local repository may send (`gitops.git.maxPushBytes`) */
  maxPushBytes: number;
  /**
   * whether the author of an open change may force-push its source branch
   * (`gitops.git.allowForcePushToChanges`; default false: history under review stays)
   */
  allowForcePushToChanges: boolean;
}

/** A mistake in the `gitops:` configuration, naming the key. */
export class GitopsConfigError extends Error {
  constructor(key: string, message: string) {
    super(`${key}: ${message}`);
    this.name = 'GitopsConfigError';
  }
}

const DEFAULT_DATA_DIR = '../../.data';
/** A GitOps repo holds YAML: a push bigger than this is a mistake or an attack, not a change. */
export const DEFAULT_MAX_PUSH_BYTES = 100 * 1024 * 1024;
const DEFAULT_LAYOUTS_DIR = '../../repo-layouts';
const LAYOUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Keys each provider accepts besides the common ones; anything else is a typo worth reporting. */
const PROVIDER_KEYS: Record<GitopsProviderType, string[]> = {
  local: ['layout', 'dir', 'defaultBranch', 'allowSelfApproval'],
  github: ['host', 'owner', 'repo', 'webhookSecret'],
  gitlab: ['host', 'project', 'webhookSecret'],
};
/** `sync` is read by the gitops backend's readSyncConfig (the reconciler's targets). */
const COMMON_KEYS = ['id', 'provider', 'kinds', 'requiredApprovals', 'sync'];

/**
 * Reads `gitops` (and `butlerPortal.dataDir` for the default local repository folders).
 *
 * @param options.workingDirectory - what relative paths resolve against (default the process's)
 * @throws GitopsConfigError naming the offending key
 */
export function readGitopsConfig(
  config: Config,
  options: { workingDirectory?: string } = {},
): GitopsConfig {
  const cwd = options.workingDirectory ?? process.cwd();
  const dataDir = path.resolve(cwd, config.getOptionalString('butlerPortal.dataDir') ?? DEFAULT_DATA_DIR);
  const layoutsDir = path.resolve(cwd, config.getOptionalString('gitops.layoutsDir') ?? DEFAULT_LAYOUTS_DIR);

  const repositories: GitopsRepositoryConfig[] = [];
  const seen = new Set<string>();
  (config.getOptionalConfigArray('gitops.repositories') ?? []).forEach((entry, index) => {
    const key = `gitops.repositories[${index}]`;
    const repository = readRepository(entry, key, { cwd, dataDir, layoutsDir });
    if (seen.has(repository.id)) {
      throw new GitopsConfigError(`${key}.id`, `'${repository.id}' is used by an earlier repository; ids must be unique`);
    }
    seen.add(repository.id);
    repositories.push(repository);
  });
  return {
    repositories,
    maxPushBytes: readMaxPushBytes(config),
    allowForcePushToChanges:
      config.getOptionalBoolean('gitops.git.allowForcePushToChanges') ?? false,
  };
}

function readMaxPushBytes(config: Config): number {
  const key = 'gitops.git.maxPushBytes';
  const value = config.getOptionalNumber(key) ?? DEFAULT_MAX_PUSH_BYTES;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new GitopsConfigError(key, `must be a whole number of bytes above 0, not ${value}`);
  }
  return value;
}

function readRepository(
  entry: Config,
  key: string,
  dirs: { cwd: string; dataDir: string; layoutsDir: string },
): GitopsRepositoryConfig {
  const id = entry.getString('id');
  if (!isDns1123Label(id)) {
    throw new GitopsConfigError(`${key}.id`, `'${id}' must be a DNS-1123 label (lower case letters, digits and "-", at most 63)`);
  }
  const provider = entry.getString('provider');
  if (!(GITOPS_PROVIDER_TYPES as readonly string[]).includes(provider)) {
    throw new GitopsConfigError(`${key}.provider`, `must be ${GITOPS_PROVIDER_TYPES.join('|')}`);
  }
  const type = provider as GitopsProviderType;
  for (const k of entry.keys()) {
    if (!COMMON_KEYS.includes(k) && !PROVIDER_KEYS[type].includes(k)) {
      throw new GitopsConfigError(
        `${key}.${k}`,
        `is not a setting of a ${type} repository (allowed: ${[...COMMON_KEYS, ...PROVIDER_KEYS[type]].join(', ')})`,
      );
    }
  }

  const kindNames = entry.getOptionalStringArray('kinds');
  const kinds = kindNames
    ? kindNames.map((name, i) => {
        const kind = findKind(name);
        if (!kind) {
          throw new GitopsConfigError(`${key}.kinds[${i}]`, `'${name}' is not a kind (${KINDS.map(k => k.kind).join(', ')})`);
        }
        return kind.kind;
      })
    : KINDS.map(k => k.kind);

  const requiredApprovals = entry.getOptionalNumber('requiredApprovals');
  if (requiredApprovals !== undefined && (!Number.isInteger(requiredApprovals) || requiredApprovals < 0)) {
    throw new GitopsConfigError(`${key}.requiredApprovals`, 'must be a whole number of at least 0');
  }
  const base = {
    id,
    kinds: [...new Set(kinds)],
    ...(requiredApprovals !== undefined && { requiredApprovals }),
  };

  const required = (name: string) => {
    const value = entry.getOptionalString(name);
    if (!value) {
      throw new GitopsConfigError(`${key}.${name}`, `is required for a ${type} repository`);
    }
    return value;
  };

  switch (type) {
    case 'local': {
      const layout = entry.getOptionalString('layout');
      if (layout !== undefined && !LAYOUT_NAME.test(layout)) {
        throw new GitopsConfigError(`${key}.layout`, `'${layout}' must be the name of a folder in ${dirs.layoutsDir}`);
      }
      const dir = entry.getOptionalString('dir');
      return {
        ...base,
        provider: 'local',
        dir: dir ? path.resolve(dirs.cwd, dir) : path.join(dirs.dataDir, 'repos', `${id}.git`),
        ...(layout && { layoutDir: path.join(dirs.layoutsDir, layout) }),
        ...(entry.has('defaultBranch') && { defaultBranch: entry.getString('defaultBranch') }),
        allowSelfApproval: entry.getOptionalBoolean('allowSelfApproval') ?? false,
      };
    }
    case 'github':
      return {
        ...base,
        provider: 'github',
        host: entry.getOptionalString('host') ?? 'github.com',
        owner: required('owner'),
        repo: required('repo'),
        ...(entry.has('webhookSecret') && { webhookSecret: entry.getString('webhookSecret') }),
      };
    default:
      return {
        ...base,
        provider: 'gitlab',
        host: entry.getOptionalString('host') ?? 'gitlab.com',
        project: required('project').replace(/^\/+|\/+$/g, ''),
        ...(entry.has('webhookSecret') && { webhookSecret: entry.getString('webhookSecret') }),
      };
  }
}
