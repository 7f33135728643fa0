/** Playback grants and viewer tokens for e2e tests, through REST and the official twilio library. */
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
