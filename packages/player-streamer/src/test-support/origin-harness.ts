/**
 * A real origin for tests: a node:http server on 127.0.0.1 with the push endpoint
 * (createOriginIngest) and a real PlaybackOrigin serving the same streams directory, and a
 * viewer that opens a playback session with a real grant and access token. It can be
 * stopped and started again on the same port (an origin restart).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createAccessToken, generateSigningKey, signPlaybackGrantJwt, type SigningKey } from '@onair/tokens';
import { createOriginIngest, type OriginIngest, type OriginIngestOptions } from '../origin-push/ingest.js';
import { PlaybackOrigin } from '../playback/origin.js';

export const ACCOUNT_SID = `AC${'1'.repeat(32)}`;
export const API_KEY = `SK${'2'.repeat(32)}`;
export const API_SECRET = 'origin-harness-secret-0123456789';

/** HTTP Basic, compared in constant time (as the server does). */
export function checkBasic(req: IncomingMessage): boolean {
  const expected = Buffer.from(`Basic ${Buffer.from(`${API_KEY}:${API_SECRET}`).toString('base64')}`);
  const given = Buffer.from(req.headers.authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface OriginHarness {
  readonly url: string;
  readonly port: number;
  readonly streamsDir: string;
  readonly ingest: OriginIngest;
  /** stops listening and cuts every connection (an origin that dies) */
  stop(): Promise<void>;
  /** listens again on the same port */
  start(): Promise<void>;
  /** opens a playback session for the streamer; resolves with the session's playlist URL */
  openSession(streamerSid: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOriginHarness(dataDir: string, ingestOptions: Partial<OriginIngestOptions> = {}): Promise<OriginHarness> {
  const streamsDir = join(dataDir, 'streams');
  const key: SigningKey = await generateSigningKey();
  const sessionKey = randomBytes(32); // kept across restarts, as the server persists it
  const ingest = createOriginIngest({
    streamDir: (sid) => join(streamsDir, sid),
    recordingDir: (sid) => join(dataDir, 'recordings', sid),
    authorize: checkBasic,
    ...ingestOptions,
  });
  let origin: PlaybackOrigin | undefined;
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  let port = 0;

  const start = async () => {
    origin = new PlaybackOrigin({
      storageDir: streamsDir,
      sessionKey,
      resolveSecret: (sid) => (sid === API_KEY ? API_SECRET : undefined),
      accountSid: ACCOUNT_SID,
      grantKeys: () => [key.publicJwk],
      findStreamer: async () => ({ status: 'started', latencyMode: 'low' }),
      baseUrl: () => `http://127.0.0.1:${port}`,
    });
    const playback = origin;
    server = createServer((req, res) => {
      if (req.url?.startsWith('/origin')) void ingest(req, res);
      else void playback.handle(req, res);
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const listening = server;
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => resolve());
    });
    port = (listening.address() as AddressInfo).port;
  };

  const stop = async () => {
    const closing = server;
    server = undefined;
    origin?.close();
    if (!closing) return;
    const closed = new Promise<void>((resolve) => closing.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await start();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    streamsDir,
    ingest,
    stop,
    start,
    async openSession(streamerSid) {
      const issuer = `http://127.0.0.1:${port}`;
      const grant = await signPlaybackGrantJwt({ key, streamerSid, accountSid: ACCOUNT_SID, issuer, ttl: 60, allowedOrigins: ['*'] });
      const playbackUrl = `${issuer}/playback/${streamerSid}?token=${grant}`;
      const token = await createAccessToken({
        accountSid: ACCOUNT_SID,
        apiKeySid: API_KEY,
        apiSecret: API_SECRET,
        identity: 'viewer',
        player: { playbackUrl, playerStreamerSid: streamerSid, requestCredentials: null },
      });
      const res = await fetch(playbackUrl, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      if (res.status !== 200) throw new Error(`opening a session: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { playlistUrl: string }).playlistUrl;
    },
    async close() {
      await stop();
    },
  };
}
