// Calendar days in UTC, as `YYYY-MM-DD` strings: every report and roll-up buckets by UTC day.
const MS_PER_DAY = 86_400_000;

/** A UTC calendar day, `YYYY-MM-DD`. */
export type Day = string;

/** The UTC day of an instant. */
export const dayOf = (instant: Date): Day => instant.toISOString().slice(0, 10);

/** Midnight UTC at the start of `day` (the value of a PostgreSQL `date` column). */
export const startOfDay = (day: Day): Date => new Date(`${day}T00:00:00.000Z`);

export const addDays = (day: Day, days: number): Day =>
  dayOf(new Date(startOfDay(day).getTime() + days * MS_PER_DAY));

/** Days from `from` to `to`, both included (0 when `to` is before `from`). */
export const daysInclusive = (from: Day, to: Day): number =>
  Math.max(0, Math.round((startOfDay(to).getTime() - startOfDay(from).getTime()) / MS_PER_DAY) + 1);

/** Every day from `from` to `to`, both included, in order. */
export function eachDay(from: Day, to: Day): Day[] {
  const days: Day[] = [];
  for (let i = 0; i < daysInclusive(from, to); i++) days.push(addDays(from, i));
  return days;
}
