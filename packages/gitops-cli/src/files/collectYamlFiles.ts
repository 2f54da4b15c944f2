/*
 * Turns the paths a user gave into the YAML files to look at. Directories are walked
 * recursively; dot entries (.git, .github, .gitlab-ci.yml, .vscode) and node_modules are
 * skipped because they hold tooling, never resources. Whether a found file is then checked is
 * decided later (see checkFiles), once its place in the layout and its kind are known.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../errors';

/** One YAML file found under the paths given on the command line. */
export interface YamlFile {
  absolutePath: string;
  /** how the file is shown to the user: relative to the working directory, `/`-separated */
  displayPath: string;
  /** the directory the file's place is measured from: the directory argument it was found under */
  base: string;
  /** the file's path below `base`, one entry per segment */
  segments: string[];
  /** the user named this file itself, so it is checked whatever it holds */
  explicit: boolean;
}

const YAML_EXTENSION = /\.ya?ml$/i;

function isSkipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

function toDisplayPath(absolutePath: string, cwd: string): string {
  const relative = path.relative(cwd, absolutePath);
  const shown =
    relative && !relative.startsWith('..') && !path.isAbsolute(relative)
      ? relative
      : absolutePath;
  return shown.split(path.sep).join('/');
}

async function walk(dir: string, found: string[]): Promise<void> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (isSkipped(entry.name)) continue;
    const full = path.join(dir, entry.name);
    // Symlinks are not followed: a checkout's resources are its own files, and a link could
    // loop or point outside the repository.
    if (entry.isDirectory()) {
      await walk(full, found);
    } else if (entry.isFile() && YAML_EXTENSION.test(entry.name)) {
      found.push(full);
    }
  }
}

/**
 * Expands `paths` (files or directories, relative to `cwd`) into YAML files, sorted by
 * display path and without duplicates. Throws UsageError for a path that does not exist.
 */
export async function collectYamlFiles(
  paths: string[],
  cwd: string,
): Promise<YamlFile[]> {
  const byPath = new Map<string, YamlFile>();
  for (const given of paths.length ? paths : ['.']) {
    const absolute = path.resolve(cwd, given);
    const stat = await fs.stat(absolute).catch(() => undefined);
    if (!stat) {
      throw new UsageError(`path not found: ${given}`);
    }
    if (stat.isDirectory()) {
      const found: string[] = [];
      await walk(absolute, found);
      for (const file of found) {
        if (byPath.has(file)) continue;
        byPath.set(file, {
          absolutePath: file,
          displayPath: toDisplayPath(file, cwd),
          base: absolute,
          segments: path.relative(absolute, file).split(path.sep),
          explicit: false,
        });
      }
    } else if (stat.isFile()) {
      // A named file is measured from the working directory when it lies inside it, so
      // `butler-gitops validate workspaces/team-a/alice-dev.yaml` at the repository root
      // still knows the file's place in the layout.
      const relative = path.relative(cwd, absolute);
      const insideCwd = !relative.startsWith('..') && !path.isAbsolute(relative);
      const base = insideCwd ? cwd : path.dirname(absolute);
      byPath.set(absolute, {
        absolutePath: absolute,
        displayPath: toDisplayPath(absolute, cwd),
        base,
        segments: path.relative(base, absolute).split(path.sep),
        explicit: true,
      });
    } else {
      throw new UsageError(`not a file or directory: ${given}`);
    }
  }
  return [...byPath.values()].sort((a, b) =>
    a.displayPath < b.displayPath ? -1 : a.displayPath > b.displayPath ? 1 : 0,
  );
}
