/**
 * Text about the composer that may be logged or shown: puppeteer's errors embed the page's
 * URL, whose fragment holds the composer's access token and ingest secret. Every URL in it
 * keeps only its origin and path (query and fragment dropped), and known secrets, raw or
 * percent-encoded, are masked wherever they appear.
 */

/** a URL with a scheme, up to the first character that cannot be part of one in running text */
const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;

export const REDACTED = '[redacted]';

/** `text` with each URL cut to its origin and path. */
export function withoutUrlSecrets(text: string): string {
  return text.replace(URL_IN_TEXT, (match) => {
    const cut = match.search(/[?#]/);
    const rest = cut >= 0 ? match.slice(0, cut) : match;
    // user:password@ in the authority goes too
    return rest.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1') + (cut >= 0 ? ` (${match[cut] === '?' ? 'query' : 'fragment'} removed)` : '');
  });
}

/** `text` without URLs' queries and fragments, and without any of `secrets` (raw or percent-encoded). */
export function redact(text: string, secrets: Iterable<string> = []): string {
  let out = withoutUrlSecrets(text);
  for (const secret of secrets) {
    if (secret.length < 8) continue; // not a secret worth the false positives
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}
