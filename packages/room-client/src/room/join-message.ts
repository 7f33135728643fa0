import type { IceServerInfo, JoinMessage, TrackInfo } from '@onair/protocol';
import { SDK_NAME } from '../version.js';

export interface JoinParams {
  readonly token: string;
  readonly room: string | undefined;
  readonly hidden: boolean;
  readonly tracks: ReadonlyArray<Omit<TrackInfo, 'sid'>>;
  /** own participant SID when reconnecting */
  readonly resume: string | undefined;
}

/** The `join` frame; optional fields are left out rather than sent as null/false. */
export function buildJoinMessage(params: JoinParams): JoinMessage {
  const join: JoinMessage = { type: 'join', token: params.token, tracks: [...params.tracks], sdk: SDK_NAME };
  if (params.room !== undefined) join.room = params.room;
  if (params.hidden) join.hidden = true;
  if (params.resume !== undefined && params.resume !== '') join.resume = params.resume;
  return join;
}

/** The ICE servers to use: the application's override, else the server's list. */
export function iceServersFor(
  fromServer: readonly IceServerInfo[],
  override: readonly RTCIceServer[] | undefined,
): RTCIceServer[] {
  if (override) return [...override];
  return fromServer.map((info) => {
    const server: RTCIceServer = { urls: info.urls };
    if (info.username !== undefined) server.username = info.username;
    if (info.credential !== undefined) server.credential = info.credential;
    return server;
  });
}
