/*
 * Kubernetes quantities ("500m", "2", "8Gi", "1e3") as numbers, to compare a requested size with
 * a template's limit. Only comparison needs them; the YAML keeps the text the user typed.
 */

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY =
  /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?[0-9]+))?$/;

/** The value of a quantity in base units (cores, bytes); undefined when it is not one. */
export function parseQuantity(
  value: string | number | undefined,
): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const match = QUANTITY.exec(value.trim());
  if (!match) return undefined;
  const [, number, suffix, exponent] = match;
  if (exponent !== undefined) return Number(number) * 10 ** Number(exponent);
  return Number(number) * SUFFIX[suffix ?? ''];
}

/** True when `value` exceeds `max`; false when either is not a quantity (the schema says why). */
export function exceeds(
  value: string | number | undefined,
  max: string | number | undefined,
): boolean {
  const v = parseQuantity(value);
  const m = parseQuantity(max);
  return v !== undefined && m !== undefined && v > m;
}
