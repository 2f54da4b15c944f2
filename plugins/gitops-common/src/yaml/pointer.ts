/*
 * JSON Pointers (RFC 6901) are how issues name a field; people read the dotted form.
 */

/** A path segment: a mapping key or a sequence index. */
export type PathSegment = string | number;

/** The segments of a JSON Pointer: `/spec/items/0` gives `['spec', 'items', '0']`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') {
    return [];
  }
  return pointer
    .slice(pointer.startsWith('/') ? 1 : 0)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The JSON Pointer of a list of segments: `['spec', 'a/b']` gives `/spec/a~1b`. */
export function toPointer(segments: readonly PathSegment[]): string {
  return segments
    .map(s => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * The dotted form people read: `/spec/repositories/0/url` gives `spec.repositories[0].url`,
 * `/metadata/labels/app.kubernetes.io~1name` gives `metadata.labels["app.kubernetes.io/name"]`.
 * The empty pointer (the whole document) gives `(document)`.
 */
export function describePointer(pointer: string): string {
  const segments = parsePointer(pointer);
  if (segments.length === 0) {
    return '(document)';
  }
  let out = '';
  for (const segment of segments) {
    if (/^(0|[1-9][0-9]*)$/.test(segment) && out !== '') {
      out += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      out += out === '' ? segment : `.${segment}`;
    } else {
      out += `[${JSON.stringify(segment)}]`;
    }
  }
  return out;
}
