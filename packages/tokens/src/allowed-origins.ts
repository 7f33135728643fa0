import { TokenError } from './errors.js';
import { quote } from './quote.js';

/** Origin-list entry that allows every origin. */
export const ANY_ORIGIN = '*';

// scheme://host[:port] with an optional lone trailing slash; no userinfo, path, query or fragment.
const ORIGIN_PATTERN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[0-9A-Fa-f:.]+\]|[^\s/?#@:[\]\\]+)(?::(\d{1,5}))?\/?$/;

/**
 * Normalizes a serialized origin (lower-case scheme and host, default port
 * dropped for http/https, punycode hosts), or returns undefined when the value
 * is not of the form scheme://host[:port].
 */
export function normalizeOrigin(value: string): string | undefined {
  const match = ORIGIN_PATTERN.exec(value);
  if (!match) return undefined;
  const [, rawScheme = '', rawHost = '', port] = match;
  const scheme = rawScheme.toLowerCase();
  if (port !== undefined && Number(port) > 65535) return undefined;
  if (scheme === 'http' || scheme === 'https') {
    try {
      return new URL(value).origin;
    } catch {
      return undefined;
    }
  }
  return `${scheme}://${rawHost.toLowerCase()}${port === undefined ? '' : `:${port}`}`;
}

/**
 * Parses a PlaybackGrant's AccessControlAllowOrigin: absent, empty or "*"
 * means any origin (["*"]); otherwise a comma-separated list of origins,
 * returned normalized and de-duplicated. A "*" entry anywhere allows all.
 * Throws TokenError ERR_GRANT_ORIGINS on an empty or malformed entry.
 */
export function parseAllowedOrigins(value: string | undefined): string[] {
  if (value === undefined) return [ANY_ORIGIN];
  if (typeof value !== 'string') throw TokenError.grantOrigins('AccessControlAllowOrigin must be a string');
  const trimmed = value.trim();
  if (trimmed === '' || trimmed === ANY_ORIGIN) return [ANY_ORIGIN];
  return normalizeOriginList(trimmed.split(',').map((entry) => entry.trim()), 'AccessControlAllowOrigin');
}

/**
 * Validates and normalizes a list of origins ("*" allowed), throwing
 * TokenError ERR_GRANT_ORIGINS; `label` names the input in messages.
 */
export function normalizeOriginList(entries: readonly string[], label: string): string[] {
  if (entries.length === 0) throw TokenError.grantOrigins(`${label} must list at least one origin or "*"`);
  const origins: string[] = [];
  let any = false;
  entries.forEach((entry, index) => {
    if (entry === ANY_ORIGIN) {
      any = true;
      return;
    }
    if (typeof entry !== 'string' || entry === '') {
      throw TokenError.grantOrigins(`${label} entry ${index + 1} is empty`);
    }
    const origin = normalizeOrigin(entry);
    if (origin === undefined) {
      throw TokenError.grantOrigins(
        `${label} entry ${index + 1} (${quote(entry)}) is not an origin of the form scheme://host[:port] without a path, query or fragment`,
      );
    }
    if (!origins.includes(origin)) origins.push(origin);
  });
  return any ? [ANY_ORIGIN] : origins;
}

/**
 * True when `origin` (e.g. a request's Origin header) is in the allowed list.
 * ["*"] allows everything, including requests without an Origin; otherwise a
 * missing or malformed origin (such as "null") is refused.
 */
export function isOriginAllowed(origins: string[], origin: string | undefined): boolean {
  if (origins.includes(ANY_ORIGIN)) return true;
  if (typeof origin !== 'string') return false;
  const candidate = normalizeOrigin(origin.trim());
  if (candidate === undefined) return false;
  return origins.some((allowed) => (normalizeOrigin(allowed) ?? allowed) === candidate);
}
