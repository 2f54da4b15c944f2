/*
 * Git keeps everything forever: a secret committed once is leaked for good, even after the
 * next commit removes it. Resources reference Kubernetes Secrets instead, so any value (or
 * comment) that looks like a credential is refused before it reaches a branch. The patterns
 * are specific on purpose (token prefixes, PEM headers) so that ordinary values never trip them.
 */
import { isMap, isScalar, isSeq, isPair, type Node } from 'yaml';
import type { ValidationIssue } from '../kinds/types';
import type { ParsedYaml } from '../yaml/parseResourceYaml';
import { describePointer, toPointer, type PathSegment } from '../yaml/pointer';

const SECRET_ADVICE =
  'looks like a secret; reference a Kubernetes Secret instead';

/** What a credential looks like, and what to call it in a message. */
const SECRET_PATTERNS: readonly { what: string; pattern: RegExp }[] = [
  {
    what: 'a private key',
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
  },
  {
    what: 'a GitHub token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/,
  },
  {
    what: 'a GitLab token',
    pattern: /\bgl(?:pat|dt|rt|ptt|soat|cbt|ft|imt|agent)-[A-Za-z0-9_-]{20,}/,
  },
  {
    what: 'an AWS access key id',
    pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/,
  },
  { what: 'a Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  {
    what: 'a Slack webhook URL',
    pattern:
      /https:\/\/hooks\.slack\.com\/(?:services|workflows)\/[A-Za-z0-9_/-]{20,}/,
  },
  {
    what: 'a JSON Web Token',
    pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/,
  },
  { what: 'a bearer token', pattern: /\bBearer\s+[A-Za-z0-9\-._~+/]{20,}=*/ },
  { what: 'a Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
  { what: 'a Stripe secret key', pattern: /\b[rs]k_live_[0-9A-Za-z]{24,}/ },
  { what: 'an npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { what: 'an age secret key', pattern: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/ },
  {
    what: 'a password in a URL',
    // scheme://user:password@ where the password is not a ${VAR} or SECRET[...] reference
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:(?!\$\{|SECRET\[)[^\s@/]+@/i,
  },
];

/**
 * Whether any pattern matches, in two tests instead of one per pattern: almost no value is a
 * secret, and every file's values and text are tested. An alternation matches exactly where
 * one of its patterns does; the patterns are grouped by flags, which an alternation shares.
 */
const ANY_SECRET: readonly RegExp[] = [
  ...new Set(SECRET_PATTERNS.map(p => p.pattern.flags)),
].map(
  flags =>
    new RegExp(
      SECRET_PATTERNS.filter(p => p.pattern.flags === flags)
        .map(p => `(?:${p.pattern.source})`)
        .join('|'),
      flags,
    ),
);

function mayHoldSecret(text: string): boolean {
  return ANY_SECRET.some(pattern => pattern.test(text));
}

/** the patterns with the `g` flag, for scanning the whole text */
const GLOBAL_SECRET_PATTERNS = SECRET_PATTERNS.map(({ what, pattern }) => ({
  what,
  pattern: new RegExp(pattern.source, `${pattern.flags}g`),
}));

/** Keys whose literal value is a credential (compared without case, "-" and "_"). */
const CREDENTIAL_KEY =
  /(?:password|passwd|apikey|secretkey|accesskey|privatekey|clientsecret|token)$/;

/** Values that point at a secret instead of holding it: `${VAR}`, `$VAR`, `SECRET[x.y]`. */
const SECRET_REFERENCE =
  /^(?:\$\{[A-Za-z_][A-Za-z0-9_]*(?::?[-?][^}]*)?\}|\$[A-Za-z_][A-Za-z0-9_]*|SECRET\[[^\]]+\])$/;

/**
 * Issues for every value, key or comment of the file that looks like a credential. The secret
 * itself is never repeated in a message.
 */
export function findSecrets(yaml: ParsedYaml, text: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const scalars: {
    start: number;
    end: number;
    path: PathSegment[];
    flagged: boolean;
  }[] = [];
  const report = (
    offset: number,
    path: PathSegment[] | undefined,
    what: string,
    secret?: string,
  ) => {
    const pointer = path ? toPointer(path) : '';
    // a secret used as a key would reappear in the field name: the message never repeats it
    const where = path ? describePointer(pointer) : 'comment';
    issues.push({
      path: pointer,
      ...yaml.positionOf(offset),
      message: `${
        secret ? where.split(secret).join('<redacted>') : where
      }: ${SECRET_ADVICE} (${what})`,
    });
  };

  walkScalars(yaml.document.contents, [], (node, path, key, isKey) => {
    const [start, , end] = node.range ?? [0, 0, 0];
    // a secret used as a key: point at its mapping, since the key's own path would hold it
    const where = isKey ? path.slice(0, -1) : path;
    const record = { start, end, path: where, flagged: false };
    scalars.push(record);
    const value = node.value;
    if (typeof value !== 'string') return;
    const found = mayHoldSecret(value)
      ? SECRET_PATTERNS.find(p => p.pattern.test(value))
      : undefined;
    const secret = found ? found.pattern.exec(value)?.[0] : undefined;
    let what: string | undefined = found?.what;
    if (
      !what &&
      key !== undefined &&
      CREDENTIAL_KEY.test(key.toLowerCase().replace(/[-_]/g, '')) &&
      value.trim() !== '' &&
      !SECRET_REFERENCE.test(value.trim())
    ) {
      what = `a literal value for "${key}"`;
    }
    if (what) {
      record.flagged = true;
      report(start, where, isKey ? `a key: ${what}` : what, secret);
    }
  });

  // Comments are committed too, and escapes can hide a token from the values: scan the text.
  if (!mayHoldSecret(text)) return issues;
  for (const { what, pattern } of GLOBAL_SECRET_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const offset = match.index ?? 0;
      const scalar = scalars.find(r => r.start <= offset && offset < r.end);
      if (scalar?.flagged) continue;
      if (scalar) scalar.flagged = true;
      report(offset, scalar?.path, what, match[0]);
    }
  }
  return issues;
}

/** Calls `visit` for every scalar key and value, with its JSON path and (for values) key. */
function walkScalars(
  node: unknown,
  path: PathSegment[],
  visit: (
    node: Node & { value: unknown },
    path: PathSegment[],
    key: string | undefined,
    isKey: boolean,
  ) => void,
  key?: string,
): void {
  if (isScalar(node)) {
    visit(node, path, key, false);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      if (isScalar(pair.key)) visit(pair.key, [...path, name], undefined, true);
      walkScalars(pair.value, [...path, name], visit, name);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) =>
      walkScalars(isPair(item) ? item.value : item, [...path, index], visit),
    );
  }
}
