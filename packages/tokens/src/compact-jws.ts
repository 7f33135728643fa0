import { base64url } from 'jose';
import { isRecord } from './guards.js';

/** Result of decoding a compact JWS without checking its signature. */
export type CompactJwsParseResult =
  | { ok: true; header: Record<string, unknown>; payload: Record<string, unknown> }
  | { ok: false; problem: string };

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Splits a compact JWS and decodes its header and payload as JSON objects,
 * without checking the signature. Reports a problem instead of throwing so
 * each caller can choose its own error code. Problems never quote the input.
 */
export function parseCompactJws(token: unknown): CompactJwsParseResult {
  if (typeof token !== 'string' || token.length === 0) {
    return { ok: false, problem: 'token is empty or not a string' };
  }
  const parts = token.split('.');
  if (parts.length !== 3) {
    return { ok: false, problem: `token must have 3 dot-separated parts, found ${parts.length}` };
  }
  const [rawHeader = '', rawPayload = '', rawSignature = ''] = parts;
  const header = decodeJsonObject(rawHeader);
  if (typeof header === 'string') return { ok: false, problem: `header ${header}` };
  const payload = decodeJsonObject(rawPayload);
  if (typeof payload === 'string') return { ok: false, problem: `payload ${payload}` };
  // An empty signature (alg "none") is left for the caller's algorithm check to reject.
  if (rawSignature !== '' && !SEGMENT.test(rawSignature)) {
    return { ok: false, problem: 'signature is not base64url' };
  }
  return { ok: true, header, payload };
}

/** Decodes one base64url segment into a JSON object, or returns what was wrong. */
function decodeJsonObject(segment: string): Record<string, unknown> | string {
  if (!SEGMENT.test(segment)) return 'is empty or not base64url';
  let text: string;
  try {
    text = utf8.decode(base64url.decode(segment));
  } catch {
    return 'is not valid base64url-encoded UTF-8';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  return isRecord(value) ? value : 'is not a JSON object';
}
