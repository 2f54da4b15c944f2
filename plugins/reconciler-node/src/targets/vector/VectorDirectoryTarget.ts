/*
 * A Vector config directory: one file per pipeline, `<root>/<namespace>_<pipeline>.yaml`, the
 * folder a `vector --config-dir <root> --watch-config` reads (Vector loads every .yaml file of
 * it as one configuration; ids are namespaced per pipeline so they never collide). Files are
 * replaced atomically (temp file in the same folder, fsync, rename): Vector's watcher, or a
 * crash, sees the old file or the new one, never half of one. Temp files end in `.tmp`, which
 * Vector does not load, and leftovers of a crash are removed when the target first runs.
 *
 * Only files that start with the portal's marker line are listed, pruned or overwritten; any
 * other file in the folder (a hand-written global config, say) is left alone.
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
import type { ResourceRef } from '@butler-portal/plugin-gitops-common';
import { renderedFileName } from '@butler-portal/plugin-pipeline-common';
import type {
  ApplyResult,
  DesiredObject,
  ManagedObject,
  ResourceHealth,
  SyncTarget,
} from '../types';
import { FileStatCache, type FileWrite } from '../fileStatCache';
import { VectorApiClient } from './vectorApi';
import { deliveredPipelineHealth } from './vectorHealth';
import {
  asVectorPipeline,
  deliveredHash,
  isDelivered,
  refOfFileName,
} from './vectorObject';

export interface VectorDirectoryTargetOptions {
  /** the config directory; created when missing */
  root: string;
  /** target id in the reconciler store (default `vector-directory`) */
  name?: string;
  /** Vector's API (e.g. `http://127.0.0.1:8686`), for health; without it health is Unknown */
  vectorApiUrl?: string;
  /** how long after a write missing components read Progressing rather than Degraded (default 30 s) */
  healthGraceMs?: number;
  /** a client of Vector's API to use instead of one made from vectorApiUrl */
  vectorApi?: VectorApiClient;
}

/** `.<file>.<12 hex>.tmp`: the temp files this target writes and removes after a crash */

export class VectorDirectoryTarget implements SyncTarget {
  readonly name: string;
  readonly root: string;
  readonly #api?: VectorApiClient;
  readonly #graceMs: number;
  #ready?: Promise<void>;
  /** the delivered hash of each file, kept by stat: a drift check reads only changed files */
  readonly #files = new FileStatCache<string | undefined>((content, file) => {
    const ref = refOfFileName(path.basename(file));
    return ref && isDelivered(content)
      ? deliveredHash(ref, path.basename(file), content)
      : undefined;
  });

  constructor(options: VectorDirectoryTargetOptions) {
    if (!options.root || typeof options.root !== 'string') {
      throw new InputError(
        'root: the folder of the vector-directory target is required',
      );
    }
    this.root = path.resolve(options.root);
    this.name = options.name ?? 'vector-directory';
    this.#api =
      options.vectorApi ??
      (options.vectorApiUrl
        ? new VectorApiClient({ url: options.vectorApiUrl })
        : undefined);
    this.#graceMs = options.healthGraceMs ?? 30_000;
  }

  /** absolute path of the file of a pipeline */
  filePath(ref: ResourceRef): string {
    const fileName = renderedFileName(ref.namespace, ref.name);
    if (ref.kind !== 'Pipeline' || !refOfFileName(fileName)) {
      throw new InputError(
        `${ref.kind} ${ref.namespace}/${ref.name} is not a pipeline name a Vector directory can hold`,
      );
    }
    return path.join(this.root, fileName);
  }

  async apply(objects: DesiredObject[]): Promise<ApplyResult[]> {
    await this.#prepare();
    const results: ApplyResult[] = [];
    const writes: Array<FileWrite<string | undefined>> = [];
    for (const { ref, object } of objects) {
      try {
        const { fileName, content } = asVectorPipeline(object);
        const file = this.filePath(ref);
        if (path.basename(file) !== fileName) {
          throw new InputError(
            `${fileName} is not the file of ${ref.namespace}/${ref.name}`,
          );
        }
        const held = await this.#read(file);
        if (held !== undefined && !isDelivered(held.content)) {
          results.push({
            ref,
            ok: false,
            error: `${fileName} in ${this.root} was not written by the portal (no marker line); not overwriting it`,
          });
          continue;
        }
        const stat = await writeFileAtomically(file, content);
        const value = deliveredHash(ref, fileName, content);
        writes.push({ file, content, stat, value });
        results.push({ ref, ok: true });
      } catch (error) {
        results.push({ ref, ok: false, error: errorMessage(error) });
      }
    }
    // the renames made durable once for the batch (each file's content is fsynced before its
    // rename, so a crash shows the old file or the new one; listManaged reads what is there)
    if (writes.length > 0) {
      await fsyncDir(this.root);
      await this.#files.rememberWritesIn(this.root, writes);
    }
    return results;
  }

  async listManaged(): Promise<ManagedObject[]> {
    await this.#prepare();
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(this.root, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const managed: ManagedObject[] = [];
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const ref = entry.isFile() ? refOfFileName(entry.name) : undefined;
      if (!ref) continue;
      const held = await this.#files.read(path.join(this.root, entry.name));
      if (held.kind === 'file' && held.value !== undefined) {
        managed.push({ ref, hash: held.value });
      }
    }
    return managed;
  }

  async delete(ref: ResourceRef): Promise<void> {
    const file = this.filePath(ref);
    const held = await this.#read(file);
    if (held === undefined) return;
    if (!isDelivered(held.content)) {
      throw new ConflictError(
        `${path.basename(
          file,
        )} was not written by the portal (no marker line); not deleting it`,
      );
    }
    await fs.promises.rm(file, { force: true });
    this.#files.forget(file);
    await fsyncDir(this.root);
  }

  async health(ref: ResourceRef): Promise<ResourceHealth> {
    const held = await this.#read(this.filePath(ref));
    if (held && !isDelivered(held.content)) {
      return {
        status: 'Degraded',
        message: 'the file lost the portal marker line',
      };
    }
    return deliveredPipelineHealth(this.#api, held, this.#graceMs);
  }

  /** once: the folder exists, and temp files a crash left behind are gone */
  #prepare(): Promise<void> {
    this.#ready ??= (async () => {
      await fs.promises.mkdir(this.root, { recursive: true });
      await sweepTemporaryFiles(this.root);
    })().catch(error => {
      this.#ready = undefined;
      throw error;
    });
    return this.#ready;
  }

  /** the file's text and when it was written; undefined when absent; a non-file counts as foreign */
  async #read(
    file: string,
  ): Promise<{ content: string; deliveredAt: number } | undefined> {
    try {
      const stat = await fs.promises.lstat(file);
      if (!stat.isFile()) return { content: '', deliveredAt: stat.mtimeMs };
      return {
        content: await fs.promises.readFile(file, 'utf8'),
        deliveredAt: stat.mtimeMs,
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }
}
