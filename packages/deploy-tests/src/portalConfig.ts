/*
 * The app-config layers loaded as the backend loads them (ConfigSources with --config
 * arguments, ${NAME} substituted from the given environment only).
 */
import path from 'path';
import type { Config } from '@backstage/config';
import { ConfigSources } from '@backstage/config-loader';
import { REPO_ROOT } from './repoRoot';

/** what `npm start` and the browser tests' portals load */
export const EMBEDDED_FILES = ['app-config.yaml', 'app-config.embedded.yaml'];
/** what the Docker image and the Helm chart load (the chart adds its own third file) */
export const PRODUCTION_FILES = [
  'app-config.yaml',
  'app-config.production.yaml',
];

/**
 * @param files - paths relative to the repository root, or absolute
 * @param env - the only environment ${NAME} references see
 */
export async function loadPortalConfig(
  files: string[],
  env: Record<string, string> = {},
): Promise<Config & { close(): void }> {
  const source = ConfigSources.default({
    rootDir: REPO_ROOT,
    argv: files.flatMap(file => ['--config', path.resolve(REPO_ROOT, file)]),
    env: {},
    substitutionFunc: async name => env[name],
  });
  return ConfigSources.toConfig(source);
}
