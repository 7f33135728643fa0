/** Two-letter prefixes of Twilio-style SIDs (prefix + 32 lowercase hex characters). */
export const SidPrefix = {
  Account: 'AC',
  ApiKey: 'SK',
  Room: 'RM',
  Participant: 'PA',
  Track: 'MT',
  PlayerStreamer: 'VJ',
  MediaProcessor: 'ZX',
  MediaRecording: 'KV',
} as const;

export type SidPrefix = (typeof SidPrefix)[keyof typeof SidPrefix];

/** A SID of a given prefix, e.g. `Sid<'RM'>` for rooms. */
export type Sid<P extends SidPrefix = SidPrefix> = `${P}${string}`;

const SID_BODY = /^[0-9a-f]{32}$/;

/** True when `value` is a well-formed SID with the given prefix (body: 32 lowercase hex). */
export function isSid<P extends SidPrefix>(prefix: P, value: unknown): value is Sid<P> {
  return (
    typeof value === 'string' &&
    value.length === 34 &&
    value.startsWith(prefix) &&
    SID_BODY.test(value.slice(2))
  );
}

/** Creates a random SID using the platform's Web Crypto (works in Node 20 and browsers). */
export function createSid<P extends SidPrefix>(prefix: P): Sid<P> {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return `${prefix}${hex}`;
}
