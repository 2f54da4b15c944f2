/*
 * Keeper's rules beyond one file (gitops-node's keeper rules, the same the portal's change check
 * runs): a version is published once per artifact, always; and, for the sources the user makes
 * reachable with `--source <repository>=<local clone>`, the pinned commit exists and holds what
 * the artifact type says; with `--fetch-archives`, chart and bundle archives match their digest.
 * A source that is not made reachable is not checked (the portal's change check reads the
 * portal's own repositories itself).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  boundedArchiveFetch,
  duplicateVersionIssues,
  isSha,
  keeperSourceIssues,
  repositoryIdOfUrl,
  type KeeperArtifactType,
  type KeeperSources,
  type KeeperSourceTree,
} from '@butler-portal/plugin-gitops-node';
import type { ValidationIssue } from '@butler-portal/plugin-gitops-common';
import { UsageError } from '../errors';
import type { CheckReport } from './types';

export interface KeeperCheckOptions {
  /** `<repository id or git URL>=<path of a local clone>` as given on the command line */
  sources: string[];
  fetchArchives: boolean;
}

function git(dir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) =>
        error
          ? reject(
              new Error(String(stderr).trim().split('\n')[0] || error.message),
            )
          : resolve(String(stdout)),
    );
  });
}

/** A local clone read with git itself; only full SHAs and paths after `--` reach git. */
export function gitCliSourceTree(dir: string): KeeperSourceTree {
  return {
    async hasCommit(commit) {
      if (!isSha(commit)) return false;
      try {
        await git(dir, ['cat-file', '-e', `${commit}^{commit}`]);
        return true;
      } catch {
        return false;
      }
    },
    async listFiles(commit, prefix) {
      const out = await git(dir, [
        'ls-tree',
        '-r',
        '--name-only',
        '-z',
        commit,
        '--',
        ...(prefix ? [prefix] : []),
      ]);
      return out.split('\0').filter(p => p && p.startsWith(prefix));
    },
    async readFile(commit, file) {
      try {
        return await git(dir, ['cat-file', 'blob', `${commit}:${file}`]);
      } catch {
        return undefined;
      }
    },
  };
}

/** `--source` values as a map; a bad value or a folder that is not a clone is a usage error. */
function parseSources(
  values: string[],
  cwd: string,
): Map<string, KeeperSourceTree> {
  const trees = new Map<string, KeeperSourceTree>();
  for (const value of values) {
    const at = value.lastIndexOf('=');
    if (at <= 0 || at === value.length - 1) {
      throw new UsageError(
        `--source ${JSON.stringify(
          value,
        )}: expected <repository id or git URL>=<path of a local clone>`,
      );
    }
    const dir = path.resolve(cwd, value.slice(at + 1));
    if (
      !fs.existsSync(path.join(dir, '.git')) &&
      !fs.existsSync(path.join(dir, 'HEAD'))
    ) {
      throw new UsageError(
        `--source ${JSON.stringify(value)}: ${dir} is not a git clone`,
      );
    }
    trees.set(value.slice(0, at), gitCliSourceTree(dir));
  }
  return trees;
}

/** Adds Keeper's issues to the files of `report` they belong to. */
export async function checkKeeper(
  report: CheckReport,
  options: KeeperCheckOptions,
  cwd: string,
): Promise<void> {
  const trees = parseSources(options.sources, cwd);
  const byFile = new Map(report.files.map(f => [f.file.displayPath, f]));
  const add = (issues: ValidationIssue[]) => {
    for (const issue of issues)
      if (issue.file) byFile.get(issue.file)?.issues.push(issue);
  };
  const versions = report.files.filter(
    f => f.resource?.kind === 'ArtifactVersion' && f.issues.length === 0,
  );
  add(
    duplicateVersionIssues(
      versions.map(f => ({
        file: f.file.displayPath,
        text: f.text,
        scope: f.location.root,
      })),
    ),
  );
  if (trees.size === 0 && !options.fetchArchives) return;

  // the artifact types this checkout declares (a version's Artifact is in the same repository)
  const types = new Map<string, KeeperArtifactType>();
  for (const f of report.files) {
    if (f.resource?.kind !== 'Artifact') continue;
    const { metadata, spec } = f.resource;
    types.set(
      `${metadata.namespace}/${metadata.name}`,
      spec.type as KeeperArtifactType,
    );
  }
  const ids = [...trees.keys()];
  const sources: KeeperSources = {
    repository: source =>
      trees.get(source.repository ?? '') ??
      trees.get(source.url) ??
      trees.get(repositoryIdOfUrl(source.url, ids) ?? ''),
    ...(options.fetchArchives && { fetchArchive: boundedArchiveFetch() }),
  };
  for (const f of versions) {
    if (f.issues.length > 0) continue; // already a duplicate
    if (!f.resource) continue;
    const { metadata, spec } = f.resource;
    add(
      await keeperSourceIssues(
        {
          file: f.file.displayPath,
          text: f.text,
          artifactType: types.get(`${metadata.namespace}/${spec.artifact}`),
        },
        sources,
      ),
    );
  }
}
