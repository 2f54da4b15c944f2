/*
 * The embedded default target: rendered manifests in a folder, one file per object at the same
 * path the repo layout gives it in Git (`<root>/<folder>/<namespace>/<name>.yaml`, e.g.
 * `<root>/workspaces/team-a/dev.yaml`), so the layout's name checks also keep every write inside
 * the root. Files are replaced atomically (temp file in the same folder, fsync, rename): a
 * reader, or a crash, sees the old file or the new one, never half of one.
 */
import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import { ConflictError, InputError } from '@backstage/errors';
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

/** the temporary files #writeAtomically makes; one left behind means a write was cut short */
const TEMP_FILE = /^\..+\.[0-9a-f]{12}\.tmp$/;

export class DirectoryTarget implements SyncTarget {
  readonly name: string;
  readonly #root: string;
  #sweep: Promise<void> | undefined;

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
    this.#sweep ??= (async () => {
      const walk = async (dir: string, depth: number): Promise<void> => {
        let entries: fs.Dirent[];
        try {
          entries = await fs.promises.readdir(dir, { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
          throw error;
        }
        for (const entry of entries) {
          const full = path.join(dir, entry.name);
          if (entry.isDirectory() && depth < 3) await walk(full, depth + 1);
          else if (entry.isFile() && TEMP_FILE.test(entry.name)) {
            await fs.promises.rm(full, { force: true });
          }
        }
      };
      await walk(this.#root, 0);
    })();
    return this.#sweep;
  }

  async apply(objects: DesiredObject[]): Promise<ApplyResult[]> {
    await this.sweepTemporaryFiles();
    const results: ApplyResult[] = [];
    for (const { ref, object } of objects) {
      try {
        const rendered = withManagedByLabel(object) as unknown as Record<
          string,
          unknown
        >;
        await this.#writeAtomically(
          this.filePath(ref),
          stringifyResource(rendered),
        );
        results.push({ ref, ok: true });
      } catch (error) {
        results.push({ ref, ok: false, error: errorMessage(error) });
      }
    }
    return results;
  }

  /**
   * The labelled manifests under the root; with `refs`, only those files are read (what a sync
   * of a one-file change needs), not the whole folder.
   */
  async listManaged(
    options: ListManagedOptions = {},
  ): Promise<ManagedObject[]> {
    await this.sweepTemporaryFiles();
    const managed: ManagedObject[] = [];
    if (options.refs) {
      for (const ref of options.refs) {
        const object = await this.#readObject(this.filePath(ref));
        if (object && hasManagedByLabel(object)) {
          managed.push({ ref, hash: contentHash(object), live: object });
        }
      }
      return managed;
    }
    for (const relative of await this.#listYamlFiles()) {
      const ref = parseResourcePath(relative);
      if (!ref) {
        continue; // not where the layout puts any resource: not ours
      }
      const object = await this.#readObject(
        path.join(this.#root, ...relative.split('/')),
      );
      if (object && hasManagedByLabel(object)) {
        managed.push({ ref, hash: contentHash(object), live: object });
      }
    }
    return managed;
  }

  async delete(ref: ResourceRef): Promise<void> {
    const file = this.filePath(ref);
    const object = await this.#readObject(file);
    if (object === undefined) {
      return;
    }
    if (!hasManagedByLabel(object)) {
      throw new ConflictError(
        `${path.relative(
          this.#root,
          file,
        )} does not carry the portal's managed-by label; not deleting it`,
      );
    }
    await fs.promises.rm(file, { force: true });
    await fsyncDir(path.dirname(file));
  }

  async health(ref: ResourceRef): Promise<ResourceHealth> {
    const object = await this.#readObject(this.filePath(ref));
    if (object === undefined) {
      return { status: 'Missing', message: 'no file' };
    }
    return hasManagedByLabel(object)
      ? { status: 'Healthy' }
      : { status: 'Degraded', message: 'the file lost the managed-by label' };
  }

  /** the parsed file, `undefined` when absent; a file that does not parse counts as foreign */
  async #readObject(
    file: string,
  ): Promise<Record<string, unknown> | undefined> {
    let text: string;
    try {
      const stat = await fs.promises.lstat(file);
      if (!stat.isFile()) {
        return {}; // a symlink or folder is never ours
      }
      text = await fs.promises.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return undefined;
      }
      throw error;
    }
    const parsed = parseResourceYaml(text);
    return parsed.ok ? parsed.yaml.value : {};
  }

  async #writeAtomically(file: string, content: string): Promise<void> {
    const dir = path.dirname(file);
    await fs.promises.mkdir(dir, { recursive: true });
    const temp = path.join(
      dir,
      `.${path.basename(file)}.${crypto.randomBytes(6).toString('hex')}.tmp`,
    );
    const handle = await fs.promises.open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.promises.rename(temp, file);
    } catch (error) {
      await fs.promises.rm(temp, { force: true });
      throw error;
    }
    await fsyncDir(dir);
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

async function fsyncDir(dir: string): Promise<void> {
  // makes the rename or unlink itself durable; not every platform lets a folder be fsynced
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close();
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
