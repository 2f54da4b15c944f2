/*
 * How a developer reaches a workspace: an SSH config entry under a stable host alias, and links
 * that open VS Code Remote-SSH or JetBrains Gateway on it. The alias is the same whatever the
 * endpoint, so the editor links keep working after the workspace moves.
 */

/** SSH user inside workspaces unless `workspaces.ssh.user` says otherwise. */
export const DEFAULT_SSH_USER = 'dev';

export interface ConnectInfo {
  alias: string;
  /** host and port from `status.sshEndpoint`; undefined until the workspace reports one */
  endpoint?: { host: string; port: number };
  user: string;
  /** the directory editors open */
  projectPath: string;
  sshConfig: string;
  vscodeUrl: string;
  jetbrainsUrl: string;
}

/** `<name>.<namespace>.butler`, lowercased: ssh matches Host patterns case-sensitively. */
export function hostAlias(namespace: string, name: string): string {
  return `${name}.${namespace}.butler`.toLowerCase();
}

/** Splits `IP:port` (or `[IPv6]:port`, or a bare host for port 22) as the runtime reports it. */
export function parseSshEndpoint(
  endpoint: string | undefined,
): { host: string; port: number } | undefined {
  const value = endpoint?.trim();
  if (!value) return undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) {
    return { host: bracketed[1], port: Number(bracketed[2] ?? 22) };
  }
  const match = /^([^:\s]+)(?::(\d+))?$/.exec(value);
  if (!match) return undefined;
  return { host: match[1], port: Number(match[2] ?? 22) };
}

/** The directory a repository is cloned into: its `name`, else the last URL segment without `.git`. */
export function repositoryDir(repo: {
  url?: string;
  name?: string;
}): string | undefined {
  if (repo.name) return repo.name;
  const url = repo.url?.replace(/\/+$/, '');
  if (!url) return undefined;
  const last = url.split(/[/:]/).pop() ?? '';
  const dir = last.replace(/\.git$/, '');
  return dir || undefined;
}

type RepositoryRef = { url?: string; name?: string; branch?: string };

/**
 * Every repository a workspace clones: `spec.repositories`, then the deprecated singular
 * `spec.repository` of older files unless the list already holds its URL.
 */
export function repositoriesOf(spec: {
  repositories?: RepositoryRef[];
  repository?: RepositoryRef;
}): RepositoryRef[] {
  const list = Array.isArray(spec.repositories) ? [...spec.repositories] : [];
  const single = spec.repository;
  if (single?.url && !list.some(r => r.url === single.url)) list.push(single);
  return list;
}

/** `/workspace/<first repository>`, or `/workspace` when nothing is cloned. */
export function projectPathOf(spec: {
  repositories?: RepositoryRef[];
  repository?: RepositoryRef;
}): string {
  const first = repositoriesOf(spec)[0];
  const dir = first ? repositoryDir(first) : undefined;
  return dir ? `/workspace/${dir}` : '/workspace';
}

export function connectInfo(options: {
  namespace: string;
  name: string;
  spec: Record<string, any>;
  sshEndpoint?: string;
  user?: string;
}): ConnectInfo {
  const alias = hostAlias(options.namespace, options.name);
  const endpoint = parseSshEndpoint(options.sshEndpoint);
  const user = options.user || DEFAULT_SSH_USER;
  const projectPath = projectPathOf(options.spec);
  const sshConfig = [
    `Host ${alias}`,
    ...(endpoint
      ? [`  HostName ${endpoint.host}`, `  Port ${endpoint.port}`]
      : [
          '  # HostName and Port appear here once the workspace reports its SSH endpoint',
        ]),
    `  User ${user}`,
    '',
  ].join('\n');
  const vscodeUrl = `vscode://vscode-remote/ssh-remote+${alias}${projectPath}`;
  const params = [
    ['type', 'ssh'],
    ['deploy', 'false'],
    ['host', endpoint?.host ?? alias],
    ['port', String(endpoint?.port ?? 22)],
    ['user', user],
    ['projectPath', projectPath],
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return {
    alias,
    endpoint,
    user,
    projectPath,
    sshConfig,
    vscodeUrl,
    jetbrainsUrl: `jetbrains-gateway://connect#${params}`,
  };
}
