/*
 * The Butler CRDs (vendor/butler-crds, or $BUTLER_CRDS_DIR) and CRD
 * files in general, read as objects ready to install.
 */
import fs from 'fs';
import path from 'path';
import YAML from 'yaml';

/** The repository root: this package is packages/kube-test-apiserver. */
const REPO_ROOT = path.resolve(
  path.dirname(
    require.resolve('@butler-portal/kube-test-apiserver/package.json'),
  ),
  '..',
  '..',
);

export function butlerCrdsDir(): string {
  return (
    process.env.BUTLER_CRDS_DIR ??
    path.resolve(REPO_ROOT, 'vendor', 'butler-crds')
  );
}

/** Every CustomResourceDefinition in a YAML file (multi-document files included). */
export function readCrdFile(file: string): Record<string, any>[] {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const crds: Record<string, any>[] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      throw new Error(`${file}: invalid YAML: ${doc.errors[0].message}`);
    }
    const value = doc.toJS();
    if (value?.kind === 'CustomResourceDefinition') crds.push(value);
  }
  return crds;
}

/** CRDs from files or directories (every .yaml/.yml file in it). */
export function readCrds(paths: string[]): Record<string, any>[] {
  return paths.flatMap(p => {
    if (!fs.existsSync(p)) throw new Error(`CRD path ${p} does not exist`);
    if (fs.statSync(p).isDirectory()) {
      return fs
        .readdirSync(p)
        .filter(f => /\.ya?ml$/.test(f))
        .sort()
        .flatMap(f => readCrdFile(path.join(p, f)));
    }
    return readCrdFile(p);
  });
}

/**
 * The Butler CRDs; `names` limits them to some CRD names (e.g. workspaces.butler.butlerlabs.dev).
 * Throws with the folder it looked in when they are not there.
 */
export function loadButlerCrds(names?: string[]): Record<string, any>[] {
  const dir = butlerCrdsDir();
  if (!fs.existsSync(dir)) {
    throw new Error(
      `Butler CRDs not found at ${dir}: restore vendor/butler-crds or set BUTLER_CRDS_DIR`,
    );
  }
  const crds = readCrds([dir]);
  if (!names) return crds;
  const missing = names.filter(n => !crds.some(c => c.metadata?.name === n));
  if (missing.length) {
    throw new Error(`${dir} has no CRD named ${missing.join(', ')}`);
  }
  return crds.filter(c => names.includes(c.metadata?.name));
}
