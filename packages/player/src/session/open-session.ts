import type { PlaybackSessionResponse } from '@onair/protocol';
import { PlayerError } from '../errors.js';

/**
 * Opens a playback session (`packages/protocol/src/playback.ts`): `POST <playbackUrl>` with
 * the access token as a Bearer credential. A refusal keeps the server's `{code, message}`.
 */
export async function openPlaybackSession(
  playbackUrl: string,
  accessToken: string,
  fetchImpl: typeof fetch,
): Promise<PlaybackSessionResponse> {
  let res: Response;
  try {
    res = await fetchImpl(playbackUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}` },
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (error) {
    throw PlayerError.network('could not reach the playback server', error);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  // a 429 (a budget) is final here: PlayerError 20429 with the server's Retry-After, no retry loop
  if (!res.ok) throw PlayerError.fromServer(res.status, body, res.headers.get('retry-after'));
  const playlistUrl = (body as { playlistUrl?: unknown } | undefined)?.playlistUrl;
  if (typeof playlistUrl !== 'string' || !/^https?:\/\//.test(playlistUrl)) {
    throw PlayerError.network('the playback server answered without a playlistUrl');
  }
  return body as PlaybackSessionResponse;
}
