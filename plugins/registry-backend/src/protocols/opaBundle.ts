/*
 * An OPA bundle built from a policy version's source: the .rego files and data files
 * (data.json / data.yaml at any depth) with a `.manifest` naming the revision (the merged commit
 * the bundle was served from) and the roots (the packages' and data files' paths, reduced to
 * the shortest non-overlapping prefixes, as OPA requires).
 */
import YAML from 'yaml';
import {
  deterministicTarGz,
  type ArchiveEntry,
} from '../archive/deterministicTarGz';
import { RegistryError } from '../errors';
import type { SourceContent } from '../sources/SourceReader';

const PACKAGE =
  /^\s*package\s+([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)/m;

/** The rego packages of some files, e.g. ["keeper.example"]. */
export function regoPackages(files: readonly ArchiveEntry[]): string[] {
  const packages = new Set<string>();
  for (const f of files) {
    if (!f.path.endsWith('.rego') || f.path.endsWith('_test.rego')) continue;
    const match = PACKAGE.exec(f.content.toString('utf8'));
    if (match) packages.add(match[1].replace(/^data\./, ''));
  }
  return [...packages].sort();
}

function dataDir(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** shortest prefixes covering every path; "" (everything) when a path is the root */
export function bundleRoots(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  if (sorted.includes('')) return [''];
  const roots: string[] = [];
  for (const p of sorted) {
    if (!roots.some(r => p === r || p.startsWith(`${r}/`))) roots.push(p);
  }
  return roots;
}

export async function buildOpaBundle(
  content: SourceContent,
  revision: string,
): Promise<{ bytes: Buffer; packages: string[]; roots: string[] }> {
  const policies = content.files.filter(
    f => f.path.endsWith('.rego') && !f.path.endsWith('_test.rego'),
  );
  if (policies.length === 0) {
    throw new RegistryError(
      502,
      `${content.repository}@${content.commit}: the policy source holds no .rego files`,
    );
  }
  const data = content.files.filter(f =>
    /(^|\/)data\.(json|ya?ml)$/.test(f.path),
  );
  for (const f of data) {
    try {
      if (f.path.endsWith('.json')) JSON.parse(f.content.toString('utf8'));
      else YAML.parse(f.content.toString('utf8'));
    } catch (error) {
      throw new RegistryError(
        502,
        `${f.path} is not valid data: ${(error as Error).message}`,
      );
    }
  }
  const packages = regoPackages(policies);
  const roots = bundleRoots([
    ...packages.map(p => p.replace(/\./g, '/')),
    ...data.map(f => dataDir(f.path)),
  ]);
  const manifest = Buffer.from(
    `${JSON.stringify({ revision, roots }, null, 2)}\n`,
  );
  const bytes = await deterministicTarGz([
    { path: '/.manifest', content: manifest },
    ...[...policies, ...data].map(f => ({
      path: `/${f.path}`,
      content: f.content,
    })),
  ]);
  return { bytes, packages, roots };
}
