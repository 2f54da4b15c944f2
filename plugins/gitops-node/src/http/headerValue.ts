/*
 * The one header lookup for webhook deliveries and API responses: case-insensitive (Node lower-
 * cases incoming headers, but recorded or forwarded ones may not be), first value of a repeated
 * header, numbers as text.
 */
export type HeaderBag = Record<string, string | string[] | number | undefined>;

export function headerValue(headers: HeaderBag | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : String(first);
  }
  return undefined;
}
