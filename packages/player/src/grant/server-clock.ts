/**
 * The player runs on clocks it does not control, so it checks grant expiry against the
 * server's clock: the HTTP `Date` header of the JWKS response (whole seconds, RFC 9110).
 */

/**
 * Milliseconds to add to the device clock to get the server's, from a response's `Date`
 * header and the device times the request was sent and its answer received. The header
 * truncates to the second, so the server's time is taken as the middle of that second,
 * and it is matched to the middle of the round trip. 0 when the header is missing or bad.
 */
export function serverClockOffset(dateHeader: string | null | undefined, sentAt: number, receivedAt: number): number {
  if (!dateHeader) return 0;
  const serverSecond = Date.parse(dateHeader);
  if (!Number.isFinite(serverSecond)) return 0;
  const deviceMidpoint = (sentAt + receivedAt) / 2;
  return Math.round(serverSecond + 500 - deviceMidpoint);
}
