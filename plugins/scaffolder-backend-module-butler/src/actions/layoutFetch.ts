/*
 * butler:layout:fetch — copies one of the portal's repo layouts (`<gitops.layoutsDir>/<layout>`,
 * the folder the gitops backend seeds new local repositories from) into the task workspace,
 * byte for byte.
 *
 * Why not fetch:template with a URL relative to the template: for a template registered from
 * a file (the embedded default), Backstage refuses to read outside the template's own folder,
 * symlinks included; and nothing in a layout is meant to be templated (its GitHub workflows
 * and Vector pipelines hold `${{ }}` and `{{ }}` of their own).
 */
import type { Config } from '@backstage/config';
import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { cp, lstat, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { z as zImpl } from 'zod/v3';

export const LAYOUT_FETCH_ACTION_ID = 'butler:layout:fetch';

/** The gitops backend's default, relative to the backend's working directory. */
const DEFAULT_LAYOUTS_DIR = '../../repo-layouts';

export const layoutFetchInputSchema = (z: typeof zImpl) =>
  z
    .object({
      layout: z
        .string()
        .min(1)
        .describe('name of a folder of gitops.layoutsDir, e.g. workspaces'),
      targetPath: z
        .string()
        .optional()
        .describe(
          'folder of the workspace to copy into; default the workspace root',
        ),
    })
    .strict();

/** The layouts folder as the gitops backend resolves it. */
export function layoutsDirOf(config: Config, cwd = process.cwd()): string {
  return resolve(
    cwd,
    config.getOptionalString('gitops.layoutsDir') ?? DEFAULT_LAYOUTS_DIR,
  );
}

export function createLayoutFetchAction(options: { layoutsDir: string }) {
  const { layoutsDir } = options;
  return createTemplateAction({
    id: LAYOUT_FETCH_ACTION_ID,
    description:
      "Copies one of the portal's GitOps repo layouts (gitops.layoutsDir) into the workspace, unchanged",
    supportsDryRun: true,
    schema: {
      input: layoutFetchInputSchema,
      output: z =>
        z.object({
          files: z.number().describe('number of files copied'),
        }),
    },
    async handler(ctx) {
      const { layout, targetPath } = ctx.input as {
        layout: string;
        targetPath?: string;
      };
      const known = (await readdir(layoutsDir, { withFileTypes: true }))
        .filter(entry => entry.isDirectory())
        .map(entry => entry.name)
        .sort();
      // only a listed folder name: never a path the input could point elsewhere with
      if (!known.includes(layout)) {
        throw new InputError(
          `layout: unknown layout "${layout}"; ${layoutsDir} has ${known.join(
            ', ',
          )}`,
        );
      }
      const target = resolveSafeChildPath(ctx.workspacePath, targetPath ?? '.');
      let files = 0;
      await cp(resolve(layoutsDir, layout), target, {
        recursive: true,
        filter: async source => {
          const stats = await lstat(source);
          // a symlink in a layout could pull in any file of the host: refused
          if (stats.isSymbolicLink()) {
            throw new Error(
              `layout ${layout}: ${source} is a symbolic link; layouts hold plain files only`,
            );
          }
          if (stats.isFile()) files += 1;
          return true;
        },
      });
      ctx.logger.info(
        `Copied layout ${layout} (${files} files) into ${target}`,
      );
      ctx.output('files', files);
    },
  });
}
