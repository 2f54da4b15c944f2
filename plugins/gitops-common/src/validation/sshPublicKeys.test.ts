import fs from 'node:fs';
import path from 'node:path';
import { checkSshPublicKey, looksLikePrivateKey } from './sshPublicKeys';
import { validate } from './validate';

/** Public keys made once with ssh-keygen (the private halves were thrown away). */
const key = (name: string) =>
  fs
    .readFileSync(
      path.join(__dirname, '__fixtures__', 'ssh', `${name}.pub`),
      'utf8',
    )
    .trim();

// built from parts so that no scanner mistakes the test for a leaked key
const PEM_PRIVATE_KEY = [
  `-----BEGIN OPENSSH ${'PRIVATE'} KEY-----`,
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  `-----END OPENSSH ${'PRIVATE'} KEY-----`,
].join('\n');
const PUTTY_PRIVATE_KEY = [
  'PuTTY-User-Key-File-3: ssh-ed25519',
  'Encryption: none',
  'Comment: jane@laptop',
  'Public-Lines: 2',
].join('\n');

function workspaceWithKeys(keys: string[]) {
  return [
    'apiVersion: butler.butlerlabs.dev/v1alpha1',
    'kind: Workspace',
    'metadata:',
    '  name: jane-dev',
    '  namespace: team-a',
    'spec:',
    '  clusterRef:',
    '    name: dev-cluster',
    '  image: ghcr.io/butlerdotdev/workspace-base:1.2.0',
    '  owner: jane@example.com',
    '  sshPublicKeys:',
    ...keys.map(k => `    - ${JSON.stringify(k)}`),
    '',
  ].join('\n');
}

describe('checkSshPublicKey', () => {
  it.each([
    ['ed25519', 'ssh-ed25519', 256],
    ['ecdsa256', 'ecdsa-sha2-nistp256', 256],
    ['ecdsa384', 'ecdsa-sha2-nistp384', 384],
    ['ecdsa521', 'ecdsa-sha2-nistp521', 521],
    ['rsa3072', 'ssh-rsa', 3072],
  ])('accepts the %s key', (name, type, bits) => {
    expect(checkSshPublicKey(key(name))).toEqual({
      ok: true,
      type,
      bits,
      comment: expect.any(String),
    });
  });

  it('keeps the comment and accepts a key without one', () => {
    const [type, blob] = key('ed25519').split(' ');
    expect(checkSshPublicKey(`${type} ${blob} jane at laptop`)).toMatchObject({
      comment: 'jane at laptop',
    });
    expect(checkSshPublicKey(`  ${type} ${blob}\n`)).toEqual({
      ok: true,
      type,
      bits: 256,
    });
  });

  it('refuses a 2048-bit RSA key, naming its size', () => {
    expect(checkSshPublicKey(key('rsa2048'))).toEqual({
      ok: false,
      privateKey: false,
      reason:
        'ssh-rsa key of 2048 bits is too short; RSA keys need at least 3072 bits (or use ssh-ed25519: ssh-keygen -t ed25519)',
    });
  });

  it('refuses a line whose type does not match the key data', () => {
    const [, blob] = key('rsa3072').split(' ');
    expect(checkSshPublicKey(`ssh-ed25519 ${blob}`)).toMatchObject({
      ok: false,
      reason: expect.stringContaining(
        'the line says ssh-ed25519 but the key data is a "ssh-rsa" key',
      ),
    });
  });

  it.each([
    ['ssh-dss AAAAB3NzaC1kc3MAAACBAP', 'key type "ssh-dss" is not accepted'],
    ['hello', 'key type "hello" is not accepted'],
    ['ssh-ed25519', 'missing or not valid base64'],
    ['ssh-ed25519 not*base64', 'missing or not valid base64'],
    ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5', 'not a 32-byte Ed25519 key'],
    ['', 'empty'],
  ])('refuses %j', (text, reason) => {
    expect(checkSshPublicKey(text)).toMatchObject({
      ok: false,
      privateKey: false,
      reason: expect.stringContaining(reason),
    });
  });

  it('refuses a truncated key', () => {
    const [type, blob] = key('ecdsa256').split(' ');
    const cut = blob.slice(0, 60);
    expect(checkSshPublicKey(`${type} ${cut}`)).toMatchObject({ ok: false });
  });

  it.each([
    ['an OpenSSH private key', PEM_PRIVATE_KEY],
    ['a PuTTY private key', PUTTY_PRIVATE_KEY],
  ])('refuses %s as a private key', (_, text) => {
    expect(looksLikePrivateKey(text)).toBe(true);
    expect(checkSshPublicKey(text)).toEqual({
      ok: false,
      privateKey: true,
      reason: expect.stringContaining('this is a private key'),
    });
  });

  it('does not take a public key for a private one', () => {
    for (const name of ['ed25519', 'rsa3072', 'ecdsa521']) {
      expect(looksLikePrivateKey(key(name))).toBe(false);
    }
  });
});

describe('validate: Workspace spec.sshPublicKeys', () => {
  it('accepts good keys', () => {
    const result = validate(
      workspaceWithKeys([key('ed25519'), key('rsa3072'), key('ecdsa384')]),
    );
    expect(result.issues).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('reports each refused key at its entry', () => {
    const result = validate(
      workspaceWithKeys([key('ed25519'), key('rsa2048'), 'ssh-dss AAAA']),
    );
    expect(result.ok).toBe(false);
    expect(result.issues).toEqual([
      {
        path: '/spec/sshPublicKeys/1',
        line: 13,
        column: 7,
        message: expect.stringMatching(
          /^spec\.sshPublicKeys\[1\]: ssh-rsa key of 2048 bits is too short/,
        ),
      },
      {
        path: '/spec/sshPublicKeys/2',
        line: 14,
        column: 7,
        message: expect.stringContaining('key type "ssh-dss" is not accepted'),
      },
    ]);
  });

  it('reports a pasted private key once, as a private key', () => {
    const result = validate(workspaceWithKeys([PEM_PRIVATE_KEY]));
    expect(result.issues).toEqual([
      {
        path: '/spec/sshPublicKeys/0',
        line: 12,
        column: 7,
        message: expect.stringContaining(
          'spec.sshPublicKeys[0]: this is a private key',
        ),
      },
    ]);
  });

  it('reports the key entry with the file when validating a file', () => {
    const result = validate(
      workspaceWithKeys([PUTTY_PRIVATE_KEY]),
      'workspaces/team-a/jane-dev.yaml',
    );
    expect(result.issues).toEqual([
      expect.objectContaining({
        file: 'workspaces/team-a/jane-dev.yaml',
        path: '/spec/sshPublicKeys/0',
      }),
    ]);
  });
});
