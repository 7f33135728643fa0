const MAX_QUOTED_LENGTH = 80;

/**
 * Renders an untrusted value for an error message: short strings are quoted
 * (and truncated), anything else is reduced to its type. Never use it on a
 * token or a secret.
 */
export function quote(value: unknown): string {
  if (typeof value !== 'string') return value === null ? 'null' : typeof value;
  const text = value.length > MAX_QUOTED_LENGTH ? `${value.slice(0, MAX_QUOTED_LENGTH)}…` : value;
  return JSON.stringify(text);
}
