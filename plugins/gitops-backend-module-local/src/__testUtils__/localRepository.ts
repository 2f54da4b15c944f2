/*
 * A local GitOps repository for tests and benchmarks, made the way the portal makes one: a
 * template folder with the files, turned into a bare repository by ensureLocalRepository.
 */
import fs from 'fs';
import path from 'path';
import { ensureLocalRepository } from '../ensureLocalRepository';
import type { Signature } from '../objectStore';
import { makeTempDir } from '../testing/gitCli';

export interface LocalRepositoryOptions {
  /** folder to build in; default a fresh temporary folder that `removeTempDirs` removes */
  root?: string;
  /** prefix of that temporary folder */
  prefix?: string;
  /** author of the first commit */
  initialAuthor?: Signature;
}

/**
 * A bare repository `<root>/platform.git` whose first commit holds `files` (repository path →
 * content, text or bytes).
 */
export async function createLocalRepository(
  files: Record<string, string | Uint8Array>,
  options: LocalRepositoryOptions = {},
): Promise<{ root: string; dir: string }> {
  const root = options.root ?? (await makeTempDir(options.prefix));
  const template = path.join(root, 'layout');
  await fs.promises.mkdir(template, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(template, file);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.writeFile(target, content);
  }
  const dir = path.join(root, 'platform.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    initialAuthor: options.initialAuthor ?? {
      name: 'Butler Portal',
      email: 'portal@example.com',
    },
  });
  return { root, dir };
}
