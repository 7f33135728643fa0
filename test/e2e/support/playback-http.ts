/**
 * Raw HTTP against the playback origin: requests exactly as written (node:http does not
 * normalise `..` or escapes in the path), refusals checked for status, JSON code and the
 * absence of media, and playback sessions opened with a viewer's access token.
 */
import { request } from 'node:http';
import { expect } from 'vitest';
import type { RunningServer } from './server.js';

export interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  json: any;
}

/** One request; `signal` aborts it (the client leaves). */
export function raw(method: string, url: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Raw> {
  const u = new URL(url);
  const path = url.slice(u.origin.length);
  return new Promise((resolve, reject) => {
    const req = request({ method, host: u.hostname, port: u.port, path, headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A refusal: the status, the JSON code, and nothing that looks like HLS or MP4. */
export function expectRefused(res: Raw, status: number, code: number): void {
  expect({ status: res.status, code: res.json?.code }, res.body.toString()).toEqual({ status, code });
  expect(typeof res.json.message).toBe('string');
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const text = res.body.toString('latin1');
  expect(text).not.toContain('#EXTM3U');
  expect(text).not.toMatch(/ftyp|moof|mdat/);
}

/** POST <playbackUrl> with `Authorization: Bearer <access token>` (and an Origin), at this server. */
export function openSession(server: Pick<RunningServer, 'url'>, playbackUrl: string, accessToken: string | undefined, origin?: string): Promise<Raw> {
  const url = playbackUrl.replace(/^https?:\/\/[^/]+/, server.url); // the grant names the URL the REST client used
  return raw('POST', url, {
    ...(accessToken === undefined ? {} : { authorization: `Bearer ${accessToken}` }),
    ...(origin === undefined ? {} : { origin }),
  });
}
