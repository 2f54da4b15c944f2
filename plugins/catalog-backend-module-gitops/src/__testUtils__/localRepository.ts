/*
 * Test and benchmark helpers: a real local provider repository in a temporary folder, changed
 * the way the portal changes it (a change request with one commit, then a merge).
 */
import { VALIDATION_CHECK_CONTEXT } from '@butler-portal/plugin-gitops-node';
import fs from 'fs';
import os from 'os';
import path from 'path';
import {
  type Actor,
  type FileOperation,
  type GitEvent,
  type GitProvider,
  type GitProviderType,
} from '@butler-portal/plugin-gitops-node';
import {
  ensureLocalRepository,
  LocalGitProvider,
} from '@butler-portal/plugin-gitops-backend-module-local';

export const author: Actor = {
  userRef: 'user:default/guest',
  name: 'Guest',
  email: 'guest@example.com',
};

/** A Workspace file; `owner` is the owner's email as the CRD wants it. */
export function workspaceYaml(
  namespace: string,
  name: string,
  options: {
    owner?: string;
    image?: string;
    /** the template annotation, `<namespace>/<name>` as the portal writes it */
    template?: string;
    /** the template label of older files (a bare name) */
    templateLabel?: string;
    annotations?: Record<string, string>;
  } = {},
): string {
  const labels = options.templateLabel
    ? `  labels:\n    portal.butlerlabs.dev/template: ${options.templateLabel}\n`
    : '';
  const allAnnotations = {
    ...(options.template
      ? { 'portal.butlerlabs.dev/template': options.template }
      : {}),
    ...options.annotations,
  };
  const annotations = Object.keys(allAnnotations).length
    ? `  annotations:\n${Object.entries(allAnnotations)
        .map(([k, v]) => `    ${k}: ${v}\n`)
        .join('')}`
    : '';
  return (
    `apiVersion: butler.butlerlabs.dev/v1alpha1\n` +
    `kind: Workspace\n` +
    `metadata:\n  name: ${name}\n  namespace: ${namespace}\n${labels}${annotations}` +
    `spec:\n` +
    `  clusterRef:\n    name: dev-cluster\n` +
    `  owner: ${options.owner ?? 'guest@example.com'}\n` +
    `  image: ${options.image ?? 'ghcr.io/butlerdotdev/workspace-go:1.23'}\n`
  );
}

export function artifactYaml(
  namespace: string,
  name: string,
  dependencies: string[] = [],
): string {
  const deps = dependencies.length
    ? `  dependencies:\n${dependencies
        .map(d => `    - artifact: ${d}\n      versionRange: ^1.0.0\n`)
        .join('')}`
    : '';
  return (
    `apiVersion: keeper.butlerlabs.dev/v1alpha1\n` +
    `kind: Artifact\n` +
    `metadata:\n  name: ${name}\n  namespace: ${namespace}\n` +
    `spec:\n  type: terraform-module\n  owner: group:default/platform-team\n  title: ${name} module\n${deps}`
  );
}

const tempDirs: string[] = [];

export async function makeTempDir(prefix = 'gitops-catalog-'): Promise<string> {
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  while (tempDirs.length) {
    await fs.promises.rm(tempDirs.pop()!, { recursive: true, force: true });
  }
}

/** Writes `files` into a folder, to seed a repository with. */
export async function writeFiles(
  dir: string,
  files: Record<string, string>,
): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    await fs.promises.writeFile(target, content);
  }
}

export interface TestRepository {
  dir: string;
  provider: LocalGitProvider;
  events: GitEvent[];
  /** opens a change with these operations and merges it; returns the new head */
  merge(operations: FileOperation[], title?: string): Promise<string>;
  /** opens a change and leaves it open; returns its number */
  open(operations: FileOperation[], title?: string): Promise<number>;
}

/** A bare repository seeded with `files`, served by a local provider that merges without reviews. */
export async function createTestRepository(
  files: Record<string, string>,
  options: { repository?: string; onEvent?: (event: GitEvent) => void } = {},
): Promise<TestRepository> {
  const root = await makeTempDir();
  const template = path.join(root, 'layout');
  await writeFiles(template, {
    'README.md': '# GitOps repository\n',
    ...files,
  });
  const dir = path.join(root, 'repo.git');
  await ensureLocalRepository({
    dir,
    templateDir: template,
    defaultBranch: 'main',
    initialAuthor: { name: 'Butler Portal', email: 'butler-portal@localhost' },
  });
  const events: GitEvent[] = [];
  const provider = new LocalGitProvider({
    repository: options.repository ?? 'platform',
    dir,
    requiredApprovals: 0,
    onEvent: event => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  let branches = 0;
  const open = async (
    operations: FileOperation[],
    title = 'Change resources',
  ) => {
    const change = await provider.openChange({
      branch: `butler/test/${++branches}`,
      title,
      description: title,
      operations,
      actor: author,
    });
    return change.number;
  };
  return {
    dir,
    provider,
    events,
    open,
    async merge(operations, title) {
      const number = await open(operations, title);
      const head = (await provider.getChange(String(number)))!.headSha;
      await provider.setCommitStatus(head, {
        context: VALIDATION_CHECK_CONTEXT,
        state: 'success',
      });
      const merged = await provider.merge(String(number), author);
      return merged.mergeCommitSha!;
    },
  };
}

/** The same provider presented as another provider type, to test GitHub/GitLab event routing. */
export function asProviderType(
  provider: GitProvider,
  type: GitProviderType,
): GitProvider {
  return new Proxy(provider, {
    get(target, property) {
      if (property === 'type') return type;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
