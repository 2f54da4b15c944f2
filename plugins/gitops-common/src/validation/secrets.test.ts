import { parseResourceYaml } from '../yaml/parseResourceYaml';
import { findSecrets } from './secrets';

function secretsIn(text: string) {
  const parsed = parseResourceYaml(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
  return findSecrets(parsed.yaml, text);
}

const ADVICE = 'looks like a secret; reference a Kubernetes Secret instead';

describe('findSecrets', () => {
  it.each([
    ['-----BEGIN PRIVATE KEY-----', 'a private key'],
    ['-----BEGIN EC PRIVATE KEY-----', 'a private key'],
    ['-----BEGIN ENCRYPTED PRIVATE KEY-----', 'a private key'],
    ['-----BEGIN PGP PRIVATE KEY BLOCK-----', 'a private key'],
    ['ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['gho_0123456789abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['ghs_0123456789abcdefghijklmnopqrstuvwxyzAB', 'a GitHub token'],
    ['github_pat_11ABCDEFG0123456789_abcdefghij', 'a GitHub token'],
    ['glpat-abcdefghij0123456789', 'a GitLab token'],
    ['AKIAIOSFODNN7EXAMPLE', 'an AWS access key id'],
    ['xoxb-123456789012-abcdefABCDEF', 'a Slack token'],
    [
      'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'a Slack webhook URL',
    ],
    [
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.dBjftJeZ4CVPmB92K27uhbUJU1p1r',
      'a JSON Web Token',
    ],
    ['Bearer abcdefghijklmnopqrstuvwxyz0123', 'a bearer token'],
    ['AIzaSyA1234567890abcdefghijklmnopqrstuv', 'a Google API key'],
    ['sk_live_abcdefghijklmnopqrstuvwx', 'a Stripe secret key'],
    ['npm_abcdefghijklmnopqrstuvwxyz0123456789', 'an npm token'],
    ['https://jane:hunter2@github.com/acme/api', 'a password in a URL'],
  ])('finds %s', (secret, what) => {
    expect(secretsIn(`spec:\n  note: "${secret}"\n`)).toEqual([
      {
        path: '/spec/note',
        line: 2,
        column: 9,
        message: `spec.note: ${ADVICE} (${what})`,
      },
    ]);
  });

  it('finds literal values of credential keys, in any spelling', () => {
    const text =
      'auth:\n  password: hunter2\n  api_key: abc123\n  client-secret: xyz\n  accessToken: t0k3n\n';
    expect(secretsIn(text).map(i => i.path)).toEqual([
      '/auth/password',
      '/auth/api_key',
      '/auth/client-secret',
      '/auth/accessToken',
    ]);
    expect(secretsIn(text)[0].message).toBe(
      `auth.password: ${ADVICE} (a literal value for "password")`,
    );
  });

  it('accepts references to secrets and ordinary values', () => {
    const text = [
      'auth:',
      '  password: ${LOKI_PASSWORD}',
      '  token: SECRET[k8s.token]',
      '  api_key: $DD_API_KEY',
      '  secretRef:',
      '    name: github-credentials',
      '  tokenUrl: https://login.example.com/token',
      '  password_file: ""',
      'url: https://github.com/acme/api',
      'ssh: git@github.com:acme/web.git',
      'env: ${USER}:${HOME}@host',
      'key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl',
      'text: the Bearer of good news',
      '',
    ].join('\n');
    expect(secretsIn(text)).toEqual([]);
  });

  it('finds a key spread over a block scalar once, at the value', () => {
    const text =
      'values:\n  key: |\n    -----BEGIN RSA PRIVATE KEY-----\n    MIIE\n';
    expect(secretsIn(text)).toEqual([
      {
        path: '/values/key',
        line: 2,
        column: 8,
        message: `values.key: ${ADVICE} (a private key)`,
      },
    ]);
  });

  it('finds secrets in comments and keys, without repeating the secret', () => {
    const token = 'glpat-abcdefghij0123456789';
    const issues = secretsIn(`# deploy with ${token}\nspec:\n  ${token}: x\n`);
    expect(issues).toEqual([
      {
        path: '/spec',
        line: 3,
        column: 3,
        message: `spec: ${ADVICE} (a key: a GitLab token)`,
      },
      {
        path: '',
        line: 1,
        column: 15,
        message: `comment: ${ADVICE} (a GitLab token)`,
      },
    ]);
    expect(issues.some(i => i.message.includes(token))).toBe(false);
  });

  it('finds a token hidden behind escapes in a double-quoted value', () => {
    expect(
      secretsIn(
        'spec:\n  note: "ghp_\\x30123456789abcdefghijklmnopqrstuvwxyzAB"\n',
      ),
    ).toEqual([
      expect.objectContaining({ path: '/spec/note', line: 2, column: 9 }),
    ]);
  });
});
