/** Whole seconds since the Unix epoch, as JWT NumericDate claims use. */
export function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** True for a Date object holding a real point in time. */
export function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/** ISO-8601 rendering of a NumericDate, for error messages. */
export function formatEpochSeconds(seconds: number): string {
  const date = new Date(seconds * 1000);
  return isValidDate(date) ? date.toISOString() : String(seconds);
}
