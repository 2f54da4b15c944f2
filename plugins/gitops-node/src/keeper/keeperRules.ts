/*
 * Keeper's rules that look beyond one file, shared by `butler-gitops validate` and the portal's
 * change check (`butler-portal/validate`): a version is unique per artifact, and a version's
 * pinned source really holds what its artifact type says: the pinned commit exists and holds a
 * Terraform module (`*.tf` at the top of its folder), a chart whose Chart.yaml version equals the
 * record's, or `.rego` files; a chart (or bundle) archive has the pinned sha256.
 *
 * What is in the file alone (canonical semver without "v", the name `<artifact>-<version>`) is
 * the schema's and `validate()`'s. The source rules run only where the source is reachable: the
 * caller says which repositories it can read (`KeeperSources`); a source it cannot reach is not
 * checked, never guessed.
 */
import { createHash } from 'crypto';
import {
  parseResourceYaml,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import type { GitProvider } from '../provider/types';
import { isSha } from '../provider/names';

export type KeeperArtifactType = 'terraform-module' | 'helm-chart' | 'opa-bundle';

/** The read side of a source repository the rules need. */
export interface KeeperSourceTree {
  /** whether `commit` (a full SHA) is a commit of the repository */
  hasCommit(commit: string): Promise<boolean>;
  /** repository paths of every file under `prefix` ('' = whole tree) at `commit` */
  listFiles(commit: string, prefix: string): Promise<string[]>;
  readFile(commit: string, path: string): Promise<string | undefined>;
}

/** What the caller can reach. */
export interface KeeperSources {
  /** the repository a git source names (by `repository` id or its URL); undefined: not reachable */
  repository(git: { repository?: string; url: string }): KeeperSourceTree | undefined;
  /** the bytes at an archive URL; absent: archive digests are not checked here */
  fetchArchive?(url: string): Promise<Uint8Array>;
}

/** A git source's repository through a GitProvider (the portal's configured repositories). */
export function providerSourceTree(provider: GitProvider): KeeperSourceTree {
  return {
    async hasCommit(commit) {
      try {
        if (provider.resolveRef) return (await provider.resolveRef(commit)) === commit;
        await provider.listTree(commit, '.keeper-commit-probe/');
        return true;
      } catch (error) {
        if ((error as Error).name === 'NotFoundError') return false;
        throw error;
      }
    },
    async listFiles(commit, prefix) {
      const entries = await provider.listTree(commit, prefix || undefined);
      return entries.map(e => e.path).filter(p => p.startsWith(prefix));
    },
    async readFile(commit, path) {
      return (await provider.readFile(path, commit))?.content;
    },
  };
}

/** the configured repository id a git URL names (`…/<id>` or `…/<id>.git`), if one of `ids` */
export function repositoryIdOfUrl(url: string, ids: readonly string[]): string | undefined {
  const id = /\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.git)?\/?$/.exec(url)?.[1];
  return id && ids.includes(id) ? id : undefined;
}

/** One ArtifactVersion file, schema-valid. */
export interface KeeperVersionFile {
  file: string;
  text: string;
  /** the type of its Artifact, when known (from the same checkout or the change's head) */
  artifactType?: KeeperArtifactType;
}

interface VersionSpec {
  artifact: string;
  version: string;
  source: {
    git?: { repository?: string; url: string; ref: string; commit?: string; subdirectory?: string; digest?: string };
    chart?: { url: string; digest: string };
    bundle?: { url: string; digest?: string };
  };
}

const MAX_ARCHIVE_BYTES = 32 * 1024 * 1024;

function parse(entry: { file: string; text: string }) {
  const parsed = parseResourceYaml(entry.text);
  if (!parsed.ok || parsed.yaml.value.kind !== 'ArtifactVersion') return undefined;
  const value = parsed.yaml.value as {
    metadata?: { namespace?: string; name?: string };
    spec?: VersionSpec;
  };
  if (!value.spec?.source || typeof value.spec.version !== 'string') return undefined;
  return {
    spec: value.spec,
    namespace: value.metadata?.namespace ?? '',
    issue: (path: string, message: string): ValidationIssue => ({
      file: entry.file,
      path,
      ...parsed.yaml.locate(path),
      message,
    }),
  };
}

/**
 * Two files publishing the same version of one artifact (namespace, `spec.artifact`,
 * `spec.version`) within one repository (`scope`, e.g. the checkout root): one issue per later
 * file, naming the first.
 */
export function duplicateVersionIssues(
  files: readonly { file: string; text: string; scope?: string }[],
): ValidationIssue[] {
  const first = new Map<string, string>();
  const issues: ValidationIssue[] = [];
  for (const entry of files) {
    const record = parse(entry);
    if (!record) continue;
    const key = JSON.stringify([
      entry.scope ?? '',
      record.namespace,
      record.spec.artifact,
      record.spec.version,
    ]);
    const seen = first.get(key);
    if (seen === undefined) {
      first.set(key, entry.file);
      continue;
    }
    issues.push(
      record.issue(
        '/spec/version',
        `version ${record.spec.version} of ${record.namespace}/${record.spec.artifact} is already published by ${seen}; a version is published once`,
      ),
    );
  }
  return issues;
}

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The source rules for one ArtifactVersion file; every issue names the file, field and reason. */
export async function keeperSourceIssues(
  entry: KeeperVersionFile,
  sources: KeeperSources,
): Promise<ValidationIssue[]> {
  const record = parse(entry);
  if (!record) return [];
  const { spec, issue } = record;
  const archive = spec.source.chart ?? spec.source.bundle;
  if (archive) {
    const field = spec.source.chart ? 'chart' : 'bundle';
    if (!archive.digest || !sources.fetchArchive) return [];
    let bytes: Uint8Array;
    try {
      bytes = await sources.fetchArchive(archive.url);
    } catch (error) {
      return [
        issue(
          `/spec/source/${field}/url`,
          `the ${field} archive ${archive.url} could not be fetched to check its digest: ${(error as Error).message}`,
        ),
      ];
    }
    const actual = sha256(bytes);
    return actual === archive.digest
      ? []
      : [
          issue(
            `/spec/source/${field}/digest`,
            `the ${field} archive at ${archive.url} has digest ${actual}, not the pinned ${archive.digest}`,
          ),
        ];
  }
  const git = spec.source.git;
  if (!git) return [];
  const tree = sources.repository(git);
  if (!tree) return [];
  const commit = git.commit ?? (isSha(git.ref) ? git.ref : undefined);
  if (!commit) {
    // a digest alone keeps the content fixed (the registry checks it on every read)
    return git.digest
      ? []
      : [
          issue(
            '/spec/source/git/commit',
            `the version pins no commit: give the full commit SHA ${JSON.stringify(git.ref)} resolves to in spec.source.git.commit`,
          ),
        ];
  }
  const where = `${git.repository ?? git.url}@${commit}`;
  try {
    if (!(await tree.hasCommit(commit))) {
      return [
        issue(
          '/spec/source/git/commit',
          `commit ${commit} does not exist in ${git.repository ?? git.url}`,
        ),
      ];
    }
    const dir = (git.subdirectory ?? '').replace(/^\/+|\/+$/g, '');
    const prefix = dir ? `${dir}/` : '';
    const files = (await tree.listFiles(commit, prefix)).map(p => p.slice(prefix.length));
    const subdirectoryField = git.subdirectory !== undefined ? '/spec/source/git/subdirectory' : '/spec/source/git/commit';
    if (files.length === 0) {
      return [issue(subdirectoryField, `${where} has no files under "${dir || '/'}"`)];
    }
    switch (entry.artifactType) {
      case 'terraform-module':
        return files.some(f => !f.includes('/') && f.endsWith('.tf'))
          ? []
          : [issue(subdirectoryField, `${where} holds no Terraform module: no *.tf file at the top of "${dir || '/'}"`)];
      case 'helm-chart': {
        const text = await tree.readFile(commit, `${prefix}Chart.yaml`);
        if (text === undefined) {
          return [issue(subdirectoryField, `${where} holds no Helm chart: no Chart.yaml in "${dir || '/'}"`)];
        }
        const chart = parseResourceYaml(text);
        if (!chart.ok) {
          return [
            issue(
              subdirectoryField,
              `${where}: Chart.yaml does not parse: ${chart.issues[0]?.message}`,
            ),
          ];
        }
        const chartVersion = chart.yaml.value.version;
        return String(chartVersion) === spec.version
          ? []
          : [
              issue(
                '/spec/version',
                `Chart.yaml at ${where} has version ${JSON.stringify(chartVersion ?? null)}, not ${spec.version}: a chart version is the record's version`,
              ),
            ];
      }
      case 'opa-bundle':
        return files.some(f => f.endsWith('.rego'))
          ? []
          : [issue(subdirectoryField, `${where} holds no OPA policy: no .rego file under "${dir || '/'}"`)];
      default:
        return [];
    }
  } catch (error) {
    return [
      issue(
        '/spec/source/git/commit',
        `the source ${where} could not be read to check it: ${(error as Error).message}`,
      ),
    ];
  }
}

/** An archive fetcher for the rules: http(s) only, bounded in size and time. */
export function boundedArchiveFetch(
  fetchImpl: typeof fetch = fetch,
  options: { timeoutMs?: number; maxBytes?: number } = {},
): (url: string) => Promise<Uint8Array> {
  const maxBytes = options.maxBytes ?? MAX_ARCHIVE_BYTES;
  return async url => {
    if (!/^https?:\/\//.test(url)) throw new Error('only http(s) archive URLs are fetched');
    const response = await fetchImpl(url, {
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
      throw new Error(`the archive is larger than ${maxBytes} bytes`);
    }
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new Error(`the archive is larger than ${maxBytes} bytes`);
    return bytes;
  };
}
