/*
 * `butler-gitops render [--kind K] [paths...]`: what the reconciler would apply from a
 * checkout. Fails closed: with any invalid file nothing is rendered, as the reconciler
 * applies nothing destructive from a commit that does not validate.
 */
import { findKind, KINDS, type KindInfo } from '@butler-portal/plugin-gitops-common';
import { UsageError } from '../errors';
import { collectYamlFiles } from '../files/collectYamlFiles';
import { checkFiles, invalidCount, issuesOf } from '../check/checkFiles';
import { formatHuman } from '../report/formatHuman';
import { renderResources } from '../render/renderResources';
import type { CliIo } from '../io';
import { EXIT_INVALID, EXIT_OK } from '../exitCodes';

function selectKinds(requested: string[]): KindInfo[] {
  if (requested.length === 0) {
    return KINDS.filter(k => k.applied);
  }
  return requested.map(name => {
    const kind = findKind(name);
    if (!kind) {
      throw new UsageError(
        `unknown kind "${name}"; known kinds: ${KINDS.map(k => k.kind).join(', ')}`,
      );
    }
    return kind;
  });
}

export async function runRender(
  paths: string[],
  requestedKinds: string[],
  io: CliIo,
): Promise<number> {
  const kinds = selectKinds(requestedKinds);
  const files = await collectYamlFiles(paths, io.cwd);
  const report = await checkFiles(files);
  const invalid = invalidCount(report);
  if (invalid > 0) {
    io.stderr(
      formatHuman(issuesOf(report), {
        filesChecked: report.files.length,
        invalidFiles: invalid,
      }),
    );
    io.stderr('nothing rendered: fix the invalid files first\n');
    return EXIT_INVALID;
  }
  // Only files at their layout path are read by the reconciler; a resource declared
  // elsewhere is validated but never applied.
  const resources = report.files
    .filter(f => f.location.layoutPath && f.resource)
    .map(f => f.resource!)
    .filter(r => kinds.some(k => k.kind === r.kind));
  io.stdout(renderResources(resources));
  return EXIT_OK;
}
