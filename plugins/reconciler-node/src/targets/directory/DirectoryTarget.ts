/*
 * The embedded default target: rendered manifests in a folder, one file per object at the same
 * path the repo layout gives it in Git (`<root>/<folder>/<namespace>/<name>.yaml`, e.g.
 * `<root>/workspaces/team-a/dev.yaml`), so the layout's name checks also keep every write inside
 * the root. Files are replaced atomically (temp file in the same folder, fsync, rename): a
 * reader, or a crash, sees the old file or the new one, never half of one.
 */
import fs from 'fs';
import path from 'path';
import { ConflictError, InputError } from '@backstage/errors';
import {
  errorMessage,
  fsyncDir,
  sweepTemporaryFiles,
  writeFileAtomically,
} from '../atomicFiles';
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
    // the files live three folders down: <kind folder>/<namespace>/<name>.yaml
    this.#sweep ??= sweepTemporaryFiles(this.#root, 3);
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
    await writeFileAtomically(file, content);
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
