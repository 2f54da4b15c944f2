/*
 * Turns the paths a user gave into the YAML files to look at. Directories are walked
 * recursively; dot entries (.git, .github, .gitlab-ci.yml, .vscode) and node_modules are
 * skipped because they hold tooling, never resources. Whether a found file is then checked is
 * decided later (see checkFiles), once its place in the layout and its kind are known.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors';

/** One YAML file found under the paths given on the command line. */
export interface YamlFile {
  absolutePath: string;
  /** how the file is shown to the user: relative to the working directory, `/`-separated */
  displayPath: string;
  /**
   * the directory the file's place in the layout is measured from: the working directory
   * when the path given lies inside it, else that path (a file's: its folder)
   */
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

/** True when `child` is `parent` or lies below it. */
function isInside(parent: string, child: string): boolean {
  const relative = path.relative(parent, child);
  return (
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}

function toDisplayPath(absolutePath: string, cwd: string): string {
  const shown = isInside(cwd, absolutePath)
    ? path.relative(cwd, absolutePath)
    : absolutePath;
  return shown.split(path.sep).join('/');
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined; // missing, or a path through a file (ENOTDIR): "path not found"
  }
}

/** Synchronous, like the reads in checkFiles: the fastest way through many local folders. */
function walk(dir: string, found: string[]): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (isSkipped(entry.name)) continue;
    const full = path.join(dir, entry.name);
    // Symlinks are not followed: a checkout's resources are its own files, and a link could
    // loop or point outside the repository.
    if (entry.isDirectory()) {
      walk(full, found);
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
    const stat = statOrUndefined(absolute);
    if (!stat) {
      throw new UsageError(`path not found: ${given}`);
    }
    // A path inside the working directory is measured from there, so that
    // `butler-gitops validate workspaces/team-a` at the repository root still knows each
    // file's place in the layout; a path outside it is measured from itself.
    const insideCwd = isInside(cwd, absolute);
    if (stat.isDirectory()) {
      const base = insideCwd ? cwd : absolute;
      const found: string[] = [];
      walk(absolute, found);
      for (const file of found) {
        if (byPath.has(file)) continue;
        byPath.set(file, {
          absolutePath: file,
          displayPath: toDisplayPath(file, cwd),
          base,
          segments: path.relative(base, file).split(path.sep),
          explicit: false,
        });
      }
    } else if (stat.isFile()) {
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
  // Plain code-unit order: the same on every machine, unlike a locale's collation.
  return [...byPath.values()].sort((a, b) => {
    if (a.displayPath === b.displayPath) return 0;
    return a.displayPath < b.displayPath ? -1 : 1;
  });
}
