/*
 * CODEOWNERS in GitHub's syntax: `<pattern> <owner>...`, the last matching line wins, a line with
 * a pattern and no owners leaves matching paths without owners. Patterns follow gitignore rules
 * with GitHub's documented exceptions: no `!` negation and no `[...]` ranges; a trailing `/*`
 * matches only the files directly in that folder (`docs/*` does not own `docs/a/b.md`).
 */

export interface CodeOwnersRule {
  pattern: string;
  /** raw owner tokens: `@user`, `@org/team` or an email address */
  owners: string[];
  line: number;
  matches(path: string): boolean;
}

/** where GitHub looks for the file, in its order */
export const CODEOWNERS_LOCATIONS = [
  '.github/CODEOWNERS',
  'CODEOWNERS',
  'docs/CODEOWNERS',
];

function escapeRegex(s: string) {
  return s.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}

function segmentToRegex(segment: string): string {
  let out = '';
  for (const ch of segment) {
    if (ch === '*') out += '[^/]*';
    else if (ch === '?') out += '[^/]';
    else out += escapeRegex(ch);
  }
  return out;
}

/** Compiles one pattern; exported for tests. */
export function compilePattern(raw: string): (path: string) => boolean {
  let pattern = raw;
  const directoryOnly = pattern.endsWith('/');
  pattern = pattern.replace(/\/+$/, '');
  // a slash at the start or in the middle anchors the pattern at the repository root
  const anchored = pattern.includes('/');
  pattern = pattern.replace(/^\/+/, '');
  const segments = pattern.split('/');
  let regex = '';
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '**') {
      regex += last ? '.*' : '(?:[^/]+/)*';
    } else {
      regex += segmentToRegex(segment) + (last ? '' : '/');
    }
  });
  const full = new RegExp(`^${anchored ? '' : '(?:.*/)?'}${regex}$`);
  // `docs/*`: GitHub owns only the direct children, not deeper files
  const directChildrenOnly =
    segments.length > 1 && segments[segments.length - 1] === '*';

  return (path: string) => {
    const parts = path.split('/');
    // the path itself (unless the pattern names folders only), then each folder above it
    if (!directoryOnly && full.test(path)) return true;
    if (directChildrenOnly) return false;
    for (let i = parts.length - 1; i >= 1; i--) {
      if (full.test(parts.slice(0, i).join('/'))) return true;
    }
    return false;
  };
}

export function parseCodeOwners(content: string): CodeOwnersRule[] {
  const rules: CodeOwnersRule[] = [];
  content.split(/\r?\n/).forEach((rawLine, index) => {
    // `#` starts a comment unless escaped (`\#file` is a pattern)
    const line = rawLine.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (!line) return;
    const [patternToken, ...owners] = line.split(/\s+/);
    const pattern = patternToken.replace(/\\#/g, '#');
    if (pattern.startsWith('!') || /\[.*\]/.test(pattern)) return; // unsupported on GitHub too
    rules.push({
      pattern,
      owners,
      line: index + 1,
      matches: compilePattern(pattern),
    });
  });
  return rules;
}

/** owners of a path: those of the last matching rule ([] when none, or the rule lists none) */
export function ownersOf(
  rules: CodeOwnersRule[],
  path: string,
): CodeOwnersRule | undefined {
  for (let i = rules.length - 1; i >= 0; i--) {
    if (rules[i].matches(path)) return rules[i];
  }
  return undefined;
}
