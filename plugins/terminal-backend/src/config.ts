/*
 * `butler.terminal` (limits, command) and the two settings the terminal shares with the rest of
 * the portal: `butler.managementCluster` (where Workspaces are) and `app.baseUrl` (the only
 * Origin a terminal may be opened from). Every mistake names its key.
 */
import path from 'path';
import type { Config } from '@backstage/config';
import type { KubeConfigSource } from '@butler-portal/kube-node';
import type { SessionLimits } from './session/TerminalSession';

export interface TerminalConfig {
  managementCluster?: KubeConfigSource;
  appOrigin: string;
  ticketTtlMs: number;
  limits: SessionLimits;
  command: string[];
  container: string;
}

function seconds(config: Config, key: string, fallback: number): number {
  const value = config.getOptionalNumber(key) ?? fallback;
  if (!(value > 0))
    throw new Error(`${key}: must be a positive number of seconds`);
  return value * 1000;
}

export function readTerminalConfig(config: Config): TerminalConfig {
  const baseUrl = config.getString('app.baseUrl');
  let appOrigin: string;
  try {
    appOrigin = new URL(baseUrl).origin;
  } catch {
    throw new Error(`app.baseUrl: ${JSON.stringify(baseUrl)} is not a URL`);
  }
  let managementCluster: KubeConfigSource | undefined;
  if (config.has('butler.managementCluster')) {
    const c = config.getConfig('butler.managementCluster');
    const kubeconfigPath = c.getOptionalString('kubeconfigPath');
    managementCluster = {
      ...(kubeconfigPath && { kubeconfigPath: path.resolve(kubeconfigPath) }),
      ...(c.has('context') && { context: c.getString('context') }),
      ...(c.has('inCluster') && { inCluster: c.getBoolean('inCluster') }),
    };
  }
  const command = config.getOptionalStringArray('butler.terminal.command') ?? [
    '/bin/sh',
  ];
  if (command.length === 0) {
    throw new Error('butler.terminal.command: must name a program');
  }
  return {
    ...(managementCluster && { managementCluster }),
    appOrigin,
    ticketTtlMs: seconds(config, 'butler.terminal.ticketTtlSeconds', 30),
    limits: {
      keepAliveMs: seconds(config, 'butler.terminal.keepAliveSeconds', 20),
      idleTimeoutMs: seconds(
        config,
        'butler.terminal.idleTimeoutSeconds',
        15 * 60,
      ),
      maxSessionMs: seconds(
        config,
        'butler.terminal.maxSessionSeconds',
        8 * 3600,
      ),
    },
    command,
    container:
      config.getOptionalString('butler.terminal.container') ?? 'workspace',
  };
}
