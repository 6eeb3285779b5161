// Money is integer micro-USD everywhere (bigint while summing); these turn it into report values
// without ever going through floating point.

const MICRO_PER_USD = 1_000_000n;

/** `1234567n` → `"1.234567"` (exact decimal string, six places). */
export function formatMicroUsd(micro: bigint): string {
  const sign = micro < 0n ? '-' : '';
  const abs = micro < 0n ? -micro : micro;
  return `${sign}${abs / MICRO_PER_USD}.${(abs % MICRO_PER_USD).toString().padStart(6, '0')}`;
}

/** A bigint total as a JSON number; refuses values a double cannot hold exactly. */
export function toSafeNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${value} is too large for an exact JSON number`);
  return n;
}
