/**
 * Defence in depth for logs: whatever a library puts in an error message (puppeteer names
 * the page URL it failed to load; the composer's carries an access token and the ingest
 * secret in its fragment), these functions take out before a line is written:
 * - URL fragments (`scheme://…#…`),
 * - values of query or fragment parameters whose name says token, secret, password or
 *   signature (`?token=…`, `&ingestSecret=…`), and the same keys as JSON string fields,
 * - anything shaped like a JWT (`eyJ….….…`),
 * - HTTP Basic / Bearer credentials.
 * The patterns never match a quote or a backslash, so a redacted JSON line stays valid JSON.
 */

export const REDACTED = '[redacted]';

const KEY = '[A-Za-z0-9_.-]*(?:token|secret|password|passwd|signature|credential)[A-Za-z0-9_.-]*';

const RULES: readonly [RegExp, string][] = [
  // a JWT (its header is base64url JSON, so it starts with `{"` → eyJ), wherever it stands
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // the fragment of an absolute URL (the composer's config travels there)
  [/(\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"'\\<>#]*)#[^\s"'\\<>]*/g, `$1#${REDACTED}`],
  // name=value parameters whose name is secret-like (query strings, fragments, form bodies)
  [new RegExp(`((?:^|[?&#;,("'\\s])${KEY}=)[^&#;,\\s"'\\\\]*`, 'gi'), `$1${REDACTED}`],
  // "name": "value" with a secret-like name (JSON inside a message, escaped or not)
  [new RegExp(`(\\\\?"${KEY}\\\\?"\\s*:\\s*\\\\?")[^"\\\\]*`, 'gi'), `$1${REDACTED}`],
  // credentials in an Authorization header value
  [/\b(Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{8,}/g, `$1 ${REDACTED}`],
];

/** The text with every secret-looking part replaced by `[redacted]`. Idempotent. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement);
  return out;
}

const MAX_DEPTH = 8;

/** A copy of `value` with every string redacted (plain objects and arrays, to a bounded depth). */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object' || depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // a Date, a Buffer …: left as it is
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v, depth + 1);
  return out;
}
