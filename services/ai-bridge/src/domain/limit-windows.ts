// Calendar arithmetic for the per-user limits (pure): the fixed minute of the token limit and
// the UTC month of the budget, with the seconds until each resets (the 429's Retry-After).

export function minuteWindow(now: number): { key: string; retryAfterSeconds: number } {
  const minute = Math.floor(now / 60_000);
  return {
    key: String(minute),
    retryAfterSeconds: Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000)),
  };
}

export function monthWindow(now: number): { key: string; retryAfterSeconds: number; ttlMs: number } {
  const d = new Date(now);
  const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  const key = `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return {
    key,
    retryAfterSeconds: Math.max(1, Math.ceil((next - now) / 1000)),
    ttlMs: next - now + 7 * 86_400_000,
  };
}
