import { createHmac } from 'node:crypto';

/**
 * Computes the `X-Twilio-Signature` header value for a webhook request, byte-for-byte
 * compatible with twilio-node's `webhooks.getExpectedTwilioSignature` (twilio@5):
 *
 *   base64(HMAC-SHA1(authToken, url + key1 + value1 + key2 + value2 + ...))
 *
 * Keys are sorted with the default (UTF-16 code unit) order. Array values are
 * de-duplicated, sorted, and each one contributes `key + value`.
 *
 * `url` must be the exact URL the request is sent to, including any query string.
 * For GET callbacks Twilio signs the full URL (params already in the query) with no params.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string | string[]>,
): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    if (Array.isArray(value)) {
      for (const item of Array.from(new Set(value)).sort()) data += key + item;
    } else {
      data += key + String(value);
    }
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}
