/**
 * JSON with the keys of every object sorted and undefined members left out, so equal values
 * give equal text whatever their key order: what request and content hashes are taken of.
 * Undefined array items and values JSON has no form for are written as null, as JSON.stringify
 * writes them; a Date as its ISO text.
 */
export function canonicalJson(value: unknown): string {
  // a timestamp the Kubernetes client decoded into a Date compares as the text it came from
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${canonicalJson(
            (value as Record<string, unknown>)[k],
          )}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
