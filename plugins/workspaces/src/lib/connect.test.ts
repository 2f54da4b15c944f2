import {
  connectInfo,
  hostAlias,
  parseSshEndpoint,
  projectPathOf,
  repositoriesOf,
  repositoryDir,
} from './connect';

describe('connectInfo', () => {
  const spec = {
    repositories: [
      { url: 'https://github.com/acme/Api-Server.git', branch: 'main' },
      { url: 'git@github.com:acme/web.git' },
    ],
  };

  it('gives the SSH config, VS Code and JetBrains links for a running workspace', () => {
    const info = connectInfo({
      namespace: 'Team-A',
      name: 'Jane-Dev',
      spec,
      sshEndpoint: '10.0.4.17:30022',
      user: 'dev',
    });
    expect(info.alias).toBe('jane-dev.team-a.butler');
    expect(info.sshConfig).toBe(
      [
        'Host jane-dev.team-a.butler',
        '  HostName 10.0.4.17',
        '  Port 30022',
        '  User dev',
        '',
      ].join('\n'),
    );
    expect(info.vscodeUrl).toBe(
      'vscode://vscode-remote/ssh-remote+jane-dev.team-a.butler/workspace/Api-Server',
    );
    expect(info.jetbrainsUrl).toBe(
      'jetbrains-gateway://connect#type=ssh&deploy=false&host=10.0.4.17&port=30022&user=dev&projectPath=%2Fworkspace%2FApi-Server',
    );
  });

  it('uses the alias and port 22 before the workspace reports an endpoint, and /workspace without repositories', () => {
    const info = connectInfo({
      namespace: 'team-a',
      name: 'scratch',
      spec: {},
      user: 'jane doe',
    });
    expect(info.sshConfig).toBe(
      [
        'Host scratch.team-a.butler',
        '  # HostName and Port appear here once the workspace reports its SSH endpoint',
        '  User jane doe',
        '',
      ].join('\n'),
    );
    expect(info.vscodeUrl).toBe(
      'vscode://vscode-remote/ssh-remote+scratch.team-a.butler/workspace',
    );
    expect(info.jetbrainsUrl).toBe(
      'jetbrains-gateway://connect#type=ssh&deploy=false&host=scratch.team-a.butler&port=22&user=jane%20doe&projectPath=%2Fworkspace',
    );
  });

  it('defaults the user to dev and prefers a repository name', () => {
    const info = connectInfo({
      namespace: 'team-a',
      name: 'x',
      spec: {
        repositories: [{ url: 'https://g.example/a/b.git', name: 'src' }],
      },
    });
    expect(info.user).toBe('dev');
    expect(info.projectPath).toBe('/workspace/src');
  });
});

describe('helpers', () => {
  it('lowercases the alias', () => {
    expect(hostAlias('Team-A', 'DEV')).toBe('dev.team-a.butler');
  });

  it.each([
    ['10.0.0.1:2222', { host: '10.0.0.1', port: 2222 }],
    ['[fd00::1]:2222', { host: 'fd00::1', port: 2222 }],
    ['ws.example.com', { host: 'ws.example.com', port: 22 }],
    ['', undefined],
    ['not an endpoint', undefined],
  ])('parses the endpoint %j', (endpoint, expected) => {
    expect(parseSshEndpoint(endpoint)).toEqual(expected);
  });

  it.each([
    [{ url: 'git@github.com:acme/web.git' }, 'web'],
    [{ url: 'https://github.com/acme/api/' }, 'api'],
    [{ url: 'ssh://git@host/x/y.git', name: 'z' }, 'z'],
  ])('names the clone directory of %j', (repo, dir) => {
    expect(repositoryDir(repo)).toBe(dir);
  });

  it('lists the deprecated singular repository of older files after the list, once', () => {
    const legacy = { url: 'https://git.example/acme/old.git', branch: 'dev' };
    expect(repositoriesOf({ repository: legacy })).toEqual([legacy]);
    expect(projectPathOf({ repository: legacy })).toBe('/workspace/old');
    expect(
      repositoriesOf({
        repositories: [{ url: 'https://git.example/acme/new.git' }],
        repository: legacy,
      }).map(r => r.url),
    ).toEqual([
      'https://git.example/acme/new.git',
      'https://git.example/acme/old.git',
    ]);
    expect(
      repositoriesOf({ repositories: [legacy], repository: legacy }),
    ).toHaveLength(1);
    expect(repositoriesOf({})).toEqual([]);
  });
});
