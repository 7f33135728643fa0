/** A minimal signaling client over a real WebSocket (Node), for protocol-level tests. */
import type { ServerMessage } from '@onair/protocol';
import { createAccessToken } from '@onair/tokens';
import WebSocket from 'ws';
import { twilio } from './twilio-client.js';
import type { RunningServer } from './server.js';

export function videoToken(
  server: Pick<RunningServer, 'creds'>,
  identity: string,
  room?: string,
  opts: { ttl?: number; secret?: string } = {},
): string {
  const { AccessToken } = twilio.jwt;
  const t = new AccessToken(server.creds.accountSid, server.creds.apiKeySid, opts.secret ?? server.creds.apiSecret, {
    identity,
    ttl: opts.ttl ?? 600,
  });
  t.addGrant(new AccessToken.VideoGrant(room ? { room } : {}));
  return t.toJwt();
}

/** A token whose VideoGrant allows joining hidden (onair's `grants.video.hidden`); twilio's VideoGrant cannot say that. */
export function hiddenToken(server: Pick<RunningServer, 'creds'>, identity: string, room: string): Promise<string> {
  const { accountSid, apiKeySid, apiSecret } = server.creds;
  return createAccessToken({ accountSid, apiKeySid, apiSecret, identity, ttl: 600, video: { room, hidden: true } });
}

export class SignalingClient {
  readonly messages: ServerMessage[] = [];
  closeCode: number | undefined;
  private waiters: (() => void)[] = [];
  readonly closed: Promise<number>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.messages.push(JSON.parse(d.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        for (const w of this.waiters.splice(0)) w();
        resolve(code);
      }),
    );
  }

  static async open(server: Pick<RunningServer, 'url'>): Promise<SignalingClient> {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + '/signaling');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new SignalingClient(ws);
  }

  send(msg: object): void {
    this.ws.send(JSON.stringify(msg));
  }

  /** Waits for the first message (from now or already received) matching `pred`. */
  async next<T extends ServerMessage['type']>(
    type: T,
    pred: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.messages.find((m) => m.type === type && pred(m as never));
      if (hit) return hit as never;
      if (this.closeCode !== undefined) throw new Error(`socket closed (${this.closeCode}) before ${type}: ${JSON.stringify(this.messages)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} within ${timeoutMs} ms: ${JSON.stringify(this.messages)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
  }

  async join(token: string, extra: object = {}) {
    this.send({ type: 'join', token, ...extra });
    return this.next('joined');
  }
}
