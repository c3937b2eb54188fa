/**
 * Fractional indexing for manual ordering (COLLAB-1): keys are base-62 strings compared
 * byte-wise (`<` on JS strings, `COLLATE "C"` in SQL), and `keyBetween(a, b)` returns a key strictly
 * between two neighbours — so moving a card writes one row, never renumbers a column.
 *
 * Keys never end in the smallest digit ('0'), which guarantees there is always room below any key.
 */
export const DIGITS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const BASE = DIGITS.length;
const KEY_PATTERN = /^[0-9A-Za-z]*[1-9A-Za-z]$/;

export function isValidKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}

function digit(char: string | undefined): number {
  return char === undefined ? 0 : DIGITS.indexOf(char);
}

/** A key between `a` and `b` (null: open end). Throws when a >= b or a key is malformed. */
export function keyBetween(a: string | null, b: string | null): string {
  if (a !== null && !isValidKey(a)) throw new Error(`invalid fractional index key: ${a}`);
  if (b !== null && !isValidKey(b)) throw new Error(`invalid fractional index key: ${b}`);
  if (a !== null && b !== null && a >= b) throw new Error(`fractional index keys out of order: ${a} >= ${b}`);
  return midpoint(a ?? '', b);
}

/** The midpoint of a and b as base-62 fractions 0.a and 0.b (b null: 1.0). */
function midpoint(a: string, b: string | null): string {
  // Shared prefix: keep it, recurse on the rest.
  if (b !== null) {
    let n = 0;
    while (n < b.length && (a[n] ?? '0') === b[n]) n += 1;
    if (n > 0) return b.slice(0, n) + midpoint(a.slice(n), b.slice(n));
  }
  const da = digit(a[0]);
  const db = b === null ? BASE : digit(b[0]);
  if (db - da > 1) return DIGITS[Math.round((da + db) / 2)] as string;
  // Adjacent first digits.
  if (b !== null && b.length > 1) return b.slice(0, 1);
  return (DIGITS[da] as string) + midpoint(a.slice(1), null);
}

/** `count` ascending keys between a and b, evenly spread (for seeding or bulk inserts). */
export function keysBetween(a: string | null, b: string | null, count: number): string[] {
  if (count <= 0) return [];
  if (count === 1) return [keyBetween(a, b)];
  const mid = keyBetween(a, b);
  const left = Math.floor((count - 1) / 2);
  return [...keysBetween(a, mid, left), mid, ...keysBetween(mid, b, count - 1 - left)];
}
