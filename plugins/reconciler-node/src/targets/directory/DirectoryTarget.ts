/*
 * The embedded default target: rendered manifests in a folder, one file per object at the same
 * path the repo layout gives it in Git (`<root>/<folder>/<namespace>/<name>.yaml`, e.g.
 * `<root>/workspaces/team-a/dev.yaml`), so the layout's name checks also keep every write inside
 * the root. Files are replaced atomically (temp file in the same folder, fsync, rename): a
 * reader, or a crash, sees the old file or the new one, never half of one.
 *
 * A drift check of thousands of files stats them (FileStatCache): a file whose stat is the one
 * recorded when it was written or last read holds what was recorded, so only files changed out
 * of band (or written a moment ago) are read, and only those whose bytes changed are parsed.
 */
import fs from 'fs';
import path from 'path';
import { ConflictError, InputError } from '@backstage/errors';
import { mapLimited } from '@butler-portal/plugin-gitops-node';
import {
  errorMessage,
  fsyncDir,
  sweepTemporaryFiles,
  writeFileAtomically,
} from '../atomicFiles';
import { FileStatCache, type FileWrite } from '../fileStatCache';
import {
  parseResourcePath,
  parseResourceYaml,
  resourcePath,
  stringifyResource,
  type ResourceRef,
} from '@butler-portal/plugin-gitops-common';
import {
  ApplyResult,
  DesiredObject,
  ListManagedOptions,
  ManagedObject,
  ResourceHealth,
  SyncTarget,
  contentHash,
  hasManagedByLabel,
  withManagedByLabel,
} from '../types';

export interface DirectoryTargetOptions {
  /** the folder the manifests are written to; created when missing */
  root: string;
  /** target id in the reconciler store (default `directory`) */
  name?: string;
}

/** files written, or stat'ed, at once: the disk groups concurrent fsyncs into one journal commit */
const FILE_CONCURRENCY = 16;

/** what a file holds for the target: the label, and the content hash when it carries it */
interface HeldFile {
  managed: boolean;
  hash?: string;
}

/** a file that does not parse counts as foreign */
function heldFile(text: string): HeldFile {
  const parsed = parseResourceYaml(text);
  const object = parsed.ok ? parsed.yaml.value : undefined;
  return object && hasManagedByLabel(object)
    ? { managed: true, hash: contentHash(object) }
    : { managed: false };
}

export class DirectoryTarget implements SyncTarget {
  readonly name: string;
  readonly #root: string;
  #sweep: Promise<void> | undefined;
  readonly #files = new FileStatCache<HeldFile>(heldFile);

  constructor(options: DirectoryTargetOptions) {
    if (!options.root || typeof options.root !== 'string') {
      throw new InputError(
        'root: the folder of the directory target is required',
      );
    }
    this.#root = path.resolve(options.root);
    this.name = options.name ?? 'directory';
  }

  /** absolute path of the file of a resource; throws InvalidResourcePathError for bad names */
  filePath(ref: ResourceRef): string {
    const file = path.join(this.#root, ...resourcePath(ref).split('/'));
    // resourcePath has already refused any name that could leave the root; this is a backstop
    if (!file.startsWith(this.#root + path.sep)) {
      throw new InputError(
        `${ref.kind} ${ref.namespace}/${ref.name} would be written outside the root`,
      );
    }
    return file;
  }

  /**
   * Removes the temporary files of writes a crash cut short (`.<name>.yaml.<hash>.tmp`), once per
   * process, before the first write or listing: they are never a manifest, only litter.
   */
  sweepTemporaryFiles(): Promise<void> {
    // the files live three folders down: <kind folder>/<namespace>/<name>.yaml
    this.#sweep ??= sweepTemporaryFiles(this.#root, 3);
    return this.#sweep;
  }

  async apply(objects: DesiredObject[]): Promise<ApplyResult[]> {
    await this.sweepTemporaryFiles();
    const folders = new Map<string, Promise<unknown>>();
    // the writes of each folder written to
    const written = new Map<string, Array<FileWrite<HeldFile>>>();
    const results = await mapLimited(
      objects,
      FILE_CONCURRENCY,
      async ({ ref, object, hash }): Promise<ApplyResult> => {
        try {
          // the reconciler's objects carry the label already (the render step adds it), and then
          // their hash is the file's: not worked out again per file (a canonical JSON and a
          // sha256 each, on a first sync of thousands)
          const labelled = hasManagedByLabel(object);
          const rendered = (labelled
            ? object
            : withManagedByLabel(object)) as unknown as Record<string, unknown>;
          const file = this.filePath(ref);
          const dir = path.dirname(file);
          if (!folders.has(dir)) {
            folders.set(dir, fs.promises.mkdir(dir, { recursive: true }));
          }
          await folders.get(dir);
          const content = stringifyResource(rendered);
          const stat = await writeFileAtomically(file, content);
          const writes = written.get(dir) ?? [];
          written.set(dir, writes);
          const value = {
            managed: true,
            hash: labelled ? hash : contentHash(rendered),
          };
          writes.push({ file, content, stat, value });
          return { ref, ok: true };
        } catch (error) {
          return { ref, ok: false, error: errorMessage(error) };
        }
      },
    );
    // each file's content is fsynced before its rename (a crash shows the old file or the new
    // one); the renames are made durable once per folder, before the results are reported
    for (const dir of written.keys()) await fsyncDir(dir);
    // each folder's writes judged against its own file system's time (see FileStatCache)
    for (const [dir, writes] of written) {
      await this.#files.rememberWritesIn(dir, writes);
    }
    return results;
  }

  /**
   * The labelled manifests under the root; with `refs`, only those files are looked at (what a
   * sync of a one-file change needs), not the whole folder. Files are stat'ed; only those changed
   * since they were written or last read are read (see FileStatCache).
   */
  async listManaged(
    options: ListManagedOptions = {},
  ): Promise<ManagedObject[]> {
    await this.sweepTemporaryFiles();
    const candidates: Array<{ ref: ResourceRef; file: string }> = [];
    if (options.refs) {
      for (const ref of options.refs) {
        candidates.push({ ref, file: this.filePath(ref) });
      }
    } else {
      for (const relative of await this.#listYamlFiles()) {
        const ref = parseResourcePath(relative);
        if (!ref) continue; // not where the layout puts any resource: not ours
        candidates.push({
          ref,
          file: path.join(this.#root, ...relative.split('/')),
        });
      }
    }
    const held = await mapLimited(candidates, FILE_CONCURRENCY, c =>
      this.#files.read(c.file),
    );
    const managed: ManagedObject[] = [];
    candidates.forEach(({ ref }, i) => {
      const read = held[i];
      if (read.kind === 'file' && read.value.managed) {
        managed.push({ ref, hash: read.value.hash });
      }
    });
    return managed;
  }

  async delete(ref: ResourceRef): Promise<void> {
    const file = this.filePath(ref);
    const held = await this.#files.read(file);
    if (held.kind === 'missing') return;
    if (held.kind === 'notAFile' || !held.value.managed) {
      throw new ConflictError(
        `${path.relative(
          this.#root,
          file,
        )} does not carry the portal's managed-by label; not deleting it`,
      );
    }
    await fs.promises.rm(file, { force: true });
    this.#files.forget(file);
    await fsyncDir(path.dirname(file));
  }

  async health(ref: ResourceRef): Promise<ResourceHealth> {
    const held = await this.#files.read(this.filePath(ref));
    if (held.kind === 'missing') {
      return { status: 'Missing', message: 'no file' };
    }
    return held.kind === 'file' && held.value.managed
      ? { status: 'Healthy' }
      : { status: 'Degraded', message: 'the file lost the managed-by label' };
  }

  /** root-relative, `/`-separated paths of the `.yaml` files three levels down */
  async #listYamlFiles(): Promise<string[]> {
    const files: string[] = [];
    const walk = async (dir: string, prefix: string[], depth: number) => {
      let entries: fs.Dirent[];
      try {
        entries = await fs.promises.readdir(dir, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        if (depth < 2 && entry.isDirectory()) {
          await walk(
            path.join(dir, entry.name),
            [...prefix, entry.name],
            depth + 1,
          );
        } else if (
          depth === 2 &&
          entry.isFile() &&
          entry.name.endsWith('.yaml')
        ) {
          files.push([...prefix, entry.name].join('/'));
        }
      }
    };
    await walk(this.#root, [], 0);
    return files.sort();
  }
}
