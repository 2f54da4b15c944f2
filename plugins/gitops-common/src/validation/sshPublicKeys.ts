/*
 * SSH public keys for a Workspace's `spec.sshPublicKeys`. Only public keys of strong types are
 * accepted, and the base64 blob is parsed: a line whose declared type does not match the blob,
 * or an RSA key shorter than 3072 bits, is refused. A pasted private key is recognised and
 * refused with a message that says so, since it must never reach a Git branch.
 */
import type { ValidationIssue } from '../kinds/types';
import type { ParsedYaml } from '../yaml/parseResourceYaml';
import { describePointer, toPointer } from '../yaml/pointer';

/** Key types a workspace accepts, in the order they are suggested. */
export const ACCEPTED_SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
] as const;

export type SshPublicKeyType = (typeof ACCEPTED_SSH_KEY_TYPES)[number];

/** Shortest accepted RSA modulus (NIST SP 800-57: 2048-bit RSA is below 128-bit security). */
export const MIN_RSA_BITS = 3072;

/** The result of {@link checkSshPublicKey}. */
export type SshPublicKeyCheck =
  | {
      ok: true;
      type: SshPublicKeyType;
      /** key size in bits (RSA modulus, ECDSA curve, 256 for Ed25519) */
      bits: number;
      comment?: string;
    }
  | {
      ok: false;
      /** why the key is refused, readable on its own */
      reason: string;
      /** the text is (part of) a private key: it must be neither sent nor stored */
      privateKey: boolean;
    };

const PRIVATE_KEY_MARKERS = [
  /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  /PuTTY-User-Key-File-\d+:/,
  // the OpenSSH private key format's magic ("openssh-key-v1\0") in base64, without its header
  /\bb3BlbnNzaC1rZXktdjE/,
];

const PRIVATE_KEY_REASON =
  'this is a private key; paste the public key instead (the .pub file, e.g. ~/.ssh/id_ed25519.pub) — a private key must never leave your machine';

/** Whether the text holds a private key (PEM/OpenSSH armour, PuTTY .ppk, or an OpenSSH key body). */
export function looksLikePrivateKey(text: string): boolean {
  return PRIVATE_KEY_MARKERS.some(marker => marker.test(text));
}

const ECDSA_POINT_BYTES: Record<string, number> = {
  // uncompressed point: 0x04 followed by x and y
  nistp256: 1 + 2 * 32,
  nistp384: 1 + 2 * 48,
  nistp521: 1 + 2 * 66,
};

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text) || text.length % 4 !== 0) {
    return undefined;
  }
  try {
    // atob is in browsers and in Node 16+; this package runs in both
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

/** Reads the SSH wire format (RFC 4251): uint32 length-prefixed strings. */
class WireReader {
  #offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  string(): Uint8Array | undefined {
    const b = this.bytes;
    if (this.#offset + 4 > b.length) return undefined;
    const length =
      ((b[this.#offset] << 24) >>> 0) +
      (b[this.#offset + 1] << 16) +
      (b[this.#offset + 2] << 8) +
      b[this.#offset + 3];
    const start = this.#offset + 4;
    if (start + length > b.length) return undefined;
    this.#offset = start + length;
    return b.subarray(start, start + length);
  }

  get done(): boolean {
    return this.#offset === this.bytes.length;
  }
}

const ascii = (bytes: Uint8Array) => String.fromCharCode(...bytes);

/** Bits of a non-negative mpint, ignoring the leading zero byte that keeps it positive. */
function mpintBits(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

const isAccepted = (type: string): type is SshPublicKeyType =>
  (ACCEPTED_SSH_KEY_TYPES as readonly string[]).includes(type);

const refuse = (reason: string): SshPublicKeyCheck => ({
  ok: false,
  reason,
  privateKey: false,
});

/**
 * Checks one OpenSSH public key line (`<type> <base64> [comment]`, as in a .pub file or
 * authorized_keys without options).
 *
 * @returns the key's type and size, or why it is refused
 */
export function checkSshPublicKey(text: string): SshPublicKeyCheck {
  if (looksLikePrivateKey(text)) {
    return { ok: false, reason: PRIVATE_KEY_REASON, privateKey: true };
  }
  const line = text.trim();
  if (line === '') {
    return refuse(
      'empty; paste one public key, e.g. "ssh-ed25519 AAAA… you@laptop"',
    );
  }
  if (/[\r\n]/.test(line)) {
    return refuse('one public key per entry; this holds several lines');
  }
  const [type, blob, ...rest] = line.split(/\s+/);
  const comment = rest.length > 0 ? rest.join(' ') : undefined;
  const accepted = ACCEPTED_SSH_KEY_TYPES.join(', ');
  if (!isAccepted(type)) {
    return refuse(
      `key type "${type.slice(0, 40)}" is not accepted; use one of ${accepted}`,
    );
  }
  const bytes = blob === undefined ? undefined : decodeBase64(blob);
  if (!bytes) {
    return refuse(
      `${type} key: the key data after the type is missing or not valid base64`,
    );
  }
  const reader = new WireReader(bytes);
  const embedded = reader.string();
  if (!embedded) {
    return refuse(`${type} key: the key data is truncated`);
  }
  if (ascii(embedded) !== type) {
    return refuse(
      `the line says ${type} but the key data is a "${ascii(embedded).slice(
        0,
        40,
      )}" key; the key was altered or mixed up`,
    );
  }

  let bits: number;
  if (type === 'ssh-ed25519') {
    const key = reader.string();
    if (!key || key.length !== 32 || !reader.done) {
      return refuse(
        'ssh-ed25519 key: the key data is not a 32-byte Ed25519 key',
      );
    }
    bits = 256;
  } else if (type === 'ssh-rsa') {
    const exponent = reader.string();
    const modulus = reader.string();
    if (!exponent || !modulus || !reader.done) {
      return refuse('ssh-rsa key: the key data is truncated or malformed');
    }
    bits = mpintBits(modulus);
    if (bits < MIN_RSA_BITS) {
      return refuse(
        `ssh-rsa key of ${bits} bits is too short; RSA keys need at least ${MIN_RSA_BITS} bits (or use ssh-ed25519: ssh-keygen -t ed25519)`,
      );
    }
  } else {
    const curve = type.slice('ecdsa-sha2-'.length);
    const embeddedCurve = reader.string();
    const point = reader.string();
    if (
      !embeddedCurve ||
      ascii(embeddedCurve) !== curve ||
      !point ||
      point.length !== ECDSA_POINT_BYTES[curve] ||
      point[0] !== 4 ||
      !reader.done
    ) {
      return refuse(`${type} key: the key data is not a ${curve} public key`);
    }
    bits = Number(curve.slice('nistp'.length));
  }
  return { ok: true, type, bits, ...(comment ? { comment } : {}) };
}

/**
 * Issues for the entries of a Workspace's `spec.sshPublicKeys` that are not accepted public
 * keys, located at the entry (`/spec/sshPublicKeys/<i>`). Entries of the wrong type are left to
 * the schema.
 */
export function sshPublicKeyIssues(
  value: Record<string, any>,
  yaml: ParsedYaml,
): ValidationIssue[] {
  const keys = value.spec?.sshPublicKeys;
  if (!Array.isArray(keys)) {
    return [];
  }
  const issues: ValidationIssue[] = [];
  keys.forEach((key, index) => {
    if (typeof key !== 'string') return;
    const check = checkSshPublicKey(key);
    if (check.ok) return;
    const path = toPointer(['spec', 'sshPublicKeys', index]);
    issues.push({
      path,
      ...yaml.locate(path),
      message: `${describePointer(path)}: ${check.reason}`,
    });
  });
  return issues;
}
