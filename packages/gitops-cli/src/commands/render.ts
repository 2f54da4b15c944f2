/*
 * `butler-gitops render [--kind K] [paths...]`: what the reconciler would apply from a
 * checkout, computed by the reconciler's own desiredState(). Fails closed: with any invalid
 * file nothing is rendered, as the reconciler applies nothing destructive from a commit that
 * does not validate.
 */
import path from 'node:path';
import {
  findKind,
  KINDS,
  type GitOpsResource,
  type KindInfo,
  type ValidationIssue,
} from '@butler-portal/plugin-gitops-common';
import { desiredState } from '@butler-portal/plugin-reconciler-node';
import { UsageError } from '../errors';
import { collectYamlFiles } from '../files/collectYamlFiles';
import { checkFiles, invalidCount, issuesOf } from '../check/checkFiles';
import { formatHuman } from '../report/formatHuman';
import { checkoutProvider } from '../render/checkoutProvider';
import { renderResources } from '../render/renderResources';
import { renderVectorFiles, vectorRenderOptions } from '../render/renderVector';
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
        `unknown kind "${name}"; known kinds: ${KINDS.map(k => k.kind).join(
          ', ',
        )}`,
      );
    }
    return kind;
  });
}

function refKey(root: string, resource: GitOpsResource): string {
  const { kind, metadata } = resource;
  return JSON.stringify([root, kind, metadata.namespace, metadata.name]);
}

function refuse(
  io: CliIo,
  issues: ValidationIssue[],
  filesChecked: number,
  invalidFiles: number,
): number {
  io.stderr(formatHuman(issues, { filesChecked, invalidFiles }));
  io.stderr('nothing rendered: fix the invalid files first\n');
  return EXIT_INVALID;
}

export async function runRender(
  paths: string[],
  requestedKinds: string[],
  io: CliIo,
  options: { vector?: boolean } = {},
): Promise<number> {
  // --vector: Pipelines through the reconciler's Vector render step (renderVector.ts)
  const vector = options.vector
    ? vectorRenderOptions(requestedKinds)
    : undefined;
  const kinds = vector?.kinds ?? selectKinds(requestedKinds).map(k => k.kind);
  const report = await checkFiles(await collectYamlFiles(paths, io.cwd));
  if (invalidCount(report) > 0) {
    return refuse(
      io,
      issuesOf(report),
      report.files.length,
      invalidCount(report),
    );
  }

  // The reconciler reads the kind folders of a checkout; resources declared elsewhere (docs,
  // examples) are validated but never applied. The paths given narrow the output to the
  // resources found under them.
  const wanted = new Set<string>();
  for (const { location, resource } of report.files) {
    if (location.repoPath !== undefined && resource) {
      wanted.add(refKey(location.root, resource));
    }
  }
  const roots = [...new Set(report.files.map(f => f.location.root))].sort();
  const objects: GitOpsResource[] = [];
  for (const root of roots) {
    const state = await desiredState(checkoutProvider(root), 'working tree', {
      kinds,
      render: vector?.render,
    });
    if (state.invalidFiles.length > 0) {
      // Files of the checkout outside the paths given, or changed since they were checked.
      const issues = state.invalidFiles.flatMap(invalid =>
        invalid.issues.map(issue => ({
          ...issue,
          file: path
            .relative(io.cwd, path.join(root, invalid.path))
            .split(path.sep)
            .join('/'),
        })),
      );
      return refuse(io, issues, report.files.length, state.invalidFiles.length);
    }
    objects.push(
      ...state.objects
        .map(desired => desired.object)
        .filter(object => wanted.has(refKey(root, object))),
    );
  }
  io.stdout(vector ? renderVectorFiles(objects) : renderResources(objects));
  return EXIT_OK;
}
