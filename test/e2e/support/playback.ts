/** Playback grants and viewer tokens for e2e tests, through REST and the official twilio library. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { api, type RunningServer } from './server.js';
import { twilio } from './twilio-client.js';

export interface Grant {
  playbackUrl: string;
  playerStreamerSid: string;
  requestCredentials: unknown;
}

/** Creates a PlayerStreamer over REST (extra form parameters, e.g. LatencyMode) and returns its SID. */
export async function createStreamer(server: RunningServer, params: Record<string, string> = {}): Promise<string> {
  const res = await api(server, 'POST', '/v1/PlayerStreamers', params);
  expect(res.status, res.text).toBeLessThan(300);
  return res.json.sid as string;
}

export async function playbackGrant(server: RunningServer, streamerSid: string, params: Record<string, string> = {}): Promise<Grant> {
  const res = await api(server, 'POST', `/v1/PlayerStreamers/${streamerSid}/PlaybackGrant`, { Ttl: '60', ...params });
  expect(res.status, res.text).toBeLessThan(300);
  return res.json.grant as Grant;
}

/** A viewer's access token, minted by the official twilio library. */
export function viewerToken(server: RunningServer, grant: Grant): string {
  const { AccessToken } = twilio.jwt;
  const token = new AccessToken(server.creds.accountSid, server.creds.apiKeySid, server.creds.apiSecret, {
    identity: `viewer-${Math.random().toString(36).slice(2, 8)}`,
  });
  token.addGrant(new AccessToken.PlaybackGrant({ grant: grant as unknown as object }));
  return token.toJwt();
}

/**
 * Writes, as the packager would, a live Low-Latency HLS playlist for `streamerSid` that never
 * advances: segments 0 and 1, a preload hint, TARGETDURATION 10. A blocking reload for
 * segment 3 is then held by the origin (up to three target durations): for tests and
 * benches of held requests.
 */
export function writeStalledLlPlaylist(server: Pick<RunningServer, 'dataDir'>, streamerSid: string): void {
  const dir = join(server.dataDir, 'streams', streamerSid);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'index.m3u8'),
    [
      '#EXTM3U', '#EXT-X-VERSION:9', '#EXT-X-TARGETDURATION:10',
      '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.700', '#EXT-X-PART-INF:PART-TARGET=0.234',
      '#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-MAP:URI="init-0.mp4"',
      '#EXTINF:1.000,', 'seg-0.m4s', '#EXTINF:1.000,', 'seg-1.m4s',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-10.m4s"', '',
    ].join('\n'),
  );
}
