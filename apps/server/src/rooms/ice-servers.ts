/**
 * ICE servers handed to clients at join: a static list (ONAIR_ICE_SERVERS, JSON) plus, when
 * a TURN shared secret is configured, time-limited TURN REST credentials (the scheme coturn
 * implements with `use-auth-secret`: username = "<expiry>:<identity>", credential =
 * base64(HMAC-SHA1(secret, username))).
 */
import { createHmac } from 'node:crypto';
import type { IceServerInfo } from '@onair/protocol';

export interface IceConfig {
  servers: IceServerInfo[];
  turn?: { urls: string[]; secret: string; ttlSeconds: number };
}

export function turnRestCredential(secret: string, identity: string, expiresAt: number) {
  const username = `${expiresAt}:${identity}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

export function iceServersFor(config: IceConfig, identity: string, now = Date.now()): IceServerInfo[] {
  const list = config.servers.map((s) => ({ ...s }));
  if (config.turn && config.turn.urls.length > 0) {
    const expiresAt = Math.floor(now / 1000) + config.turn.ttlSeconds;
    list.push({ urls: config.turn.urls, ...turnRestCredential(config.turn.secret, identity, expiresAt) });
  }
  return list;
}
