/**
 * Formats a date for the `Timestamp` status-callback parameter: ISO 8601 UTC without
 * milliseconds, e.g. `2026-11-22T10:00:00Z` (the same format as the REST API dates).
 * Throws a RangeError for an invalid Date (as `Date#toISOString` does).
 */
export function callbackTimestamp(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
