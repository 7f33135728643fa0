/**
 * The signaling server: WebSocket sessions at /signaling, joined into live rooms, with
 * SDP/ICE relayed between peers (media flows peer to peer), heartbeats, resume after a
 * dropped socket, and removal on leave, timeout, kick or room completion.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  SIGNALING_PATH,
  SidPrefix,
  SignalingCloseCode,
  createSid,
  refuseOnSocket,
  type ClientMessage,
  type JoinMessage,
  type TrackInfo,
} from '@onair/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { RoomRef, RoomsBackend } from './backend.js';
import { RoomsError } from './errors.js';
import { LiveRoom } from './live-room.js';
import { parseClientMessage } from './messages.js';
import { Session } from './session.js';
import { ROOM_SERVER_DEFAULTS, type RoomServerOptions } from './room-server-options.js';
import { SocketBudget, type SignalingBudgetKind } from './socket-budget.js';

export class RoomServer {
  private readonly options: RoomServerOptions;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 512 * 1024 });
  private readonly rooms = new Map<string, LiveRoom>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly backend: RoomsBackend,
    options: Partial<RoomServerOptions> = {},
  ) {
    this.options = { ...ROOM_SERVER_DEFAULTS, ...options };
    // a handshake `ws` itself refuses (bad key, version, protocol header) gets our JSON error
    this.wss.on('wsClientError', (err, socket) => refuseOnSocket(socket, 400, ErrorCode.InvalidParameter, err.message));
    this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Serves WebSocket upgrades on `/signaling` of an HTTP server. */
  /** Takes the server's upgrades to SIGNALING_PATH (and leaves others alone). */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.handleUpgrade(req, socket, head));
  }

  /** Takes an HTTP upgrade to SIGNALING_PATH; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = (req.url ?? '').split('?')[0];
    if (path !== SIGNALING_PATH) return false;
    socket.on('error', () => socket.destroy());
    if (this.closed) refuseOnSocket(socket, 503, ErrorCode.ServiceUnavailable, 'The signaling server is shutting down');
    else if (req.method !== 'GET') refuseOnSocket(socket, 405, ErrorCode.MethodNotAllowed, 'A WebSocket upgrade must be a GET');
    else this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    return true;
  }

  get stats() {
    let sessions = 0;
    for (const r of this.rooms.values()) sessions += r.sessions.size;
    return { rooms: this.rooms.size, sessions };
  }

  /** Removes a participant (e.g. REST Status=disconnected). */
  kick(participantSid: string, error: RoomsError = RoomsError.removed()): void {
    for (const room of this.rooms.values()) {
      const s = room.sessions.get(participantSid);
      if (s) {
        s.refuse(error);
        void this.remove(room, s, 'kicked');
      }
    }
  }

  /** Disconnects everyone from a room that was completed. */
  closeRoom(roomSid: string): void {
    const room = this.rooms.get(roomSid);
    if (!room) return;
    for (const s of [...room.sessions.values()]) {
      s.refuse(RoomsError.roomCompleted(room.ref.name));
      void this.remove(room, s, 'room completed');
    }
  }

  /** Stops accepting, disconnects everyone and marks them disconnected. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    const removals: Promise<void>[] = [];
    for (const room of [...this.rooms.values()]) {
      for (const s of [...room.sessions.values()]) {
        s.socket?.close(1001, 'server shutting down');
        removals.push(this.remove(room, s, 'server shutdown'));
      }
    }
    await Promise.allSettled(removals);
    this.wss.close();
  }

  // ---- connection lifecycle ------------------------------------------------------------

  private accept(ws: WebSocket): void {
    let session: Session | undefined;
    let room: LiveRoom | undefined;
    let joining = false;
    let spent = false;
    const budget = new SocketBudget(this.options.budget);
    const joinTimer = setTimeout(() => {
      if (!session) ws.close(SignalingCloseCode.Timeout, 'join timeout');
    }, this.options.joinTimeoutMs);
    ws.on('pong', () => {
      if (session) session.lastPong = Date.now();
    });
    ws.on('message', (data: RawData) => {
      try {
        onMessage(data);
      } catch (err) {
        // our own failure, never the client's: it hears so, and a joined session carries on
        this.options.logger.warn({ err }, 'signaling message failed');
        const fatal = !session;
        ws.send(JSON.stringify({ type: 'error', code: ErrorCode.SignalingMalformed, message: 'The server could not handle this message', fatal }));
        if (fatal) ws.close(SignalingCloseCode.Refused, String(ErrorCode.SignalingMalformed));
      }
    });
    const onMessage = (data: RawData): void => {
      if (spent) return; // closing: what is still in flight is not read
      const raw = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
      const over = budget.charge(raw.length, Date.now());
      if (over) {
        spent = true;
        this.spend(ws, over, session, room);
        return;
      }
      let msg: ClientMessage;
      try {
        msg = parseClientMessage(raw);
      } catch (err) {
        const e = RoomsError.from(err);
        ws.send(JSON.stringify({ type: 'error', code: e.code, message: e.message, fatal: !session }));
        if (!session) ws.close(SignalingCloseCode.Refused, String(e.code));
        return;
      }
      if (!session) {
        if (msg.type !== 'join' || joining) {
          const e = RoomsError.malformed('the first message must be join');
          ws.send(JSON.stringify({ type: 'error', code: e.code, message: e.message, fatal: true }));
          ws.close(SignalingCloseCode.Refused, String(e.code));
          return;
        }
        joining = true;
        this.join(ws, msg).then(
          (joined) => {
            clearTimeout(joinTimer);
            if (joined) ({ session, room } = joined);
          },
          (err) => {
            clearTimeout(joinTimer);
            const e = RoomsError.from(err);
            if (RoomsError.isInternal(err)) this.options.logger.warn({ err }, 'join failed');
            else this.options.logger.info({ code: e.code }, 'join refused');
            ws.send(JSON.stringify({ type: 'error', code: e.code, message: e.message, fatal: true }));
            ws.close(SignalingCloseCode.Refused, String(e.code));
          },
        );
        return;
      }
      this.dispatch(room!, session, msg);
    };
    ws.on('close', () => {
      clearTimeout(joinTimer);
      if (!session || !room || session.socket !== ws) return;
      session.socket = undefined;
      if (session.closed) return;
      const s = session;
      const r = room;
      // the participant may come back with `resume` for a short while
      s.graceTimer = setTimeout(() => void this.remove(r, s, 'socket closed'), this.options.resumeGraceMs);
      s.graceTimer.unref();
    });
    // a frame `ws` refuses (too big, bad UTF-8, bad framing): it closes with the matching code
    // itself (1009, 1007, 1002) after sending a close frame; terminating here would drop that
    ws.on('error', () => undefined);
  }

  /** The socket spent its budget: an `error` frame, then 1008; cut if it does not close soon. */
  private spend(ws: WebSocket, kind: SignalingBudgetKind, session: Session | undefined, room: LiveRoom | undefined): void {
    const e = RoomsError.budget(kind);
    this.options.onLimit(kind);
    this.options.logger.warn({ participantSid: session?.sid, budget: kind }, 'signaling budget spent; socket closed');
    if (ws.readyState === ws.OPEN) {
      ws.send(JSON.stringify({ type: 'error', code: e.code, message: e.message, fatal: true }));
      ws.close(SignalingCloseCode.PolicyViolation, String(e.code));
    }
    // what is still in flight is read and dropped until the client's close frame; a client
    // that never sends one is cut
    setTimeout(() => ws.terminate(), this.options.budgetCloseGraceMs).unref();
    // no resume: the participant leaves now
    if (session && room && session.socket === ws) {
      session.socket = undefined;
      void this.remove(room, session, 'signaling budget spent');
    }
  }

  private async join(ws: WebSocket, msg: JoinMessage): Promise<{ session: Session; room: LiveRoom } | undefined> {
    const token = await this.backend.authenticate(msg.token);
    const wanted = token.room ?? msg.room;
    if (!wanted) throw RoomsError.grants('The access token names no room; pass a room name when connecting');
    if (token.room && msg.room && msg.room !== token.room) {
      // the same room under its other name (SID vs unique name) is fine; nothing is created
      const named = await this.backend.findRoom(msg.room);
      if (!named || (named.sid !== token.room && named.name !== token.room)) {
        throw RoomsError.grants(`The access token is for room '${token.room}', not '${msg.room}'`);
      }
    }
    const hidden = msg.hidden === true;
    if (hidden && !token.mayHide) {
      throw RoomsError.grants('Joining as a hidden participant needs an access token whose VideoGrant has hidden: true');
    }
    const ref = await this.backend.openRoom(wanted);
    if (ws.readyState !== ws.OPEN) return undefined;
    let room = this.rooms.get(ref.sid);
    if (!room) this.rooms.set(ref.sid, (room = new LiveRoom(ref)));

    // resume after a dropped socket. Hidden sessions (composers) are not unique per identity:
    // two streams of one room may both use the default composer identity.
    const previous = hidden
      ? msg.resume !== undefined
        ? [...room.sessions.values()].find((s) => s.hidden && s.sid === msg.resume && s.identity === token.identity)
        : undefined
      : room.byIdentity(token.identity);
    if (msg.resume && previous && previous.sid === msg.resume && !previous.closed) {
      clearTimeout(previous.graceTimer);
      previous.graceTimer = undefined;
      previous.socket?.terminate();
      previous.socket = ws;
      previous.lastPong = Date.now();
      this.sendJoined(room, previous, true);
      this.options.logger.info({ roomSid: ref.sid, participantSid: previous.sid }, 'participant resumed');
      return { session: previous, room };
    }
    if (previous) {
      previous.refuse(RoomsError.duplicateIdentity(token.identity));
      await this.remove(room, previous, 'duplicate identity');
    }
    if (!hidden && room.visible.length >= ref.maxParticipants) throw RoomsError.roomFull(ref.name, ref.maxParticipants);
    if (room.wouldExceedTracks(msg.tracks?.length ?? 0)) {
      this.options.onLimit('published-tracks');
      throw RoomsError.maxTracks(ref.maxPublishedTracks!);
    }

    const sid = await this.backend.participantConnected(ref, token.identity);
    if (ws.readyState !== ws.OPEN) {
      await this.backend.participantDisconnected(ref, sid);
      return undefined;
    }
    if (room.wouldExceedTracks(msg.tracks?.length ?? 0)) {
      // others published while this participant was being recorded
      await this.backend.participantDisconnected(ref, sid);
      throw RoomsError.maxTracks(ref.maxPublishedTracks!);
    }
    const session = new Session(sid, token.identity, hidden, ws);
    for (const t of msg.tracks ?? []) {
      const track: TrackInfo = { ...t, sid: createSid(SidPrefix.Track) };
      session.tracks.set(track.sid, track);
    }
    room.sessions.set(sid, session);
    this.sendJoined(room, session, false);
    if (!hidden) room.broadcast({ type: 'participant-joined', participant: session.info }, session);
    for (const t of session.tracks.values()) this.backend.trackAdded(ref, session, t);
    this.backend.occupancyChanged(ref, room.sessions.size);
    this.options.logger.info({ roomSid: ref.sid, participantSid: sid, hidden }, 'participant joined');
    return { session, room };
  }

  private sendJoined(room: LiveRoom, session: Session, resumed: boolean): void {
    session.send({
      type: 'joined',
      resumed,
      room: { sid: room.ref.sid, name: room.ref.name },
      participant: session.info,
      participants: room.visible.filter((s) => s !== session).map((s) => s.info),
      iceServers: this.backend.iceServers(session.identity),
      heartbeatInterval: this.options.heartbeatIntervalMs / 1000,
    });
  }

  private dispatch(room: LiveRoom, session: Session, msg: ClientMessage): void {
    switch (msg.type) {
      case 'offer':
      case 'answer':
      case 'ice': {
        const target = room.sessions.get(msg.to);
        if (!target) return; // the peer left meanwhile
        target.send({
          type: msg.type,
          from: session.sid,
          ...(session.hidden ? { hidden: true } : {}),
          ...(msg.sdp !== undefined ? { sdp: msg.sdp } : {}),
          ...(msg.type === 'ice' ? { candidate: msg.candidate ?? null } : {}),
        });
        return;
      }
      case 'publish': {
        if (room.wouldExceedTracks(1)) {
          this.options.onLimit('published-tracks');
          const e = RoomsError.maxTracks(room.ref.maxPublishedTracks!);
          session.send({ type: 'error', code: e.code, message: e.message, fatal: false, requestId: msg.requestId });
          return;
        }
        const track: TrackInfo = { ...msg.track, sid: createSid(SidPrefix.Track) };
        session.tracks.set(track.sid, track);
        session.send({ type: 'published', requestId: msg.requestId, track });
        if (!session.hidden) room.broadcast({ type: 'track-published', participantSid: session.sid, track }, session);
        this.backend.trackAdded(room.ref, session, track);
        return;
      }
      case 'unpublish': {
        const track = session.tracks.get(msg.trackSid);
        if (!track) return;
        session.tracks.delete(track.sid);
        if (!session.hidden) {
          room.broadcast({ type: 'track-unpublished', participantSid: session.sid, trackSid: track.sid }, session);
        }
        this.backend.trackRemoved(room.ref, session, track);
        return;
      }
      case 'track-state': {
        const track = session.tracks.get(msg.trackSid);
        if (!track || track.enabled === msg.enabled) return;
        track.enabled = msg.enabled;
        if (!session.hidden) {
          room.broadcast({ type: 'track-state', participantSid: session.sid, trackSid: track.sid, enabled: msg.enabled }, session);
        }
        return;
      }
      case 'leave':
        session.socket?.close(SignalingCloseCode.Normal, 'left');
        void this.remove(room, session, 'left');
        return;
      case 'join':
        session.send({ type: 'error', code: 53000, message: 'Already joined', fatal: false });
        return;
    }
  }

  /** Takes a session out of its room for good and tells everyone. Idempotent. */
  private async remove(room: LiveRoom, session: Session, reason: string): Promise<void> {
    if (session.closed) return;
    session.closed = true;
    clearTimeout(session.graceTimer);
    room.sessions.delete(session.sid);
    // hidden sessions too: peers close their connection to it (without an event)
    room.broadcast({ type: 'participant-left', participantSid: session.sid });
    for (const t of session.tracks.values()) this.backend.trackRemoved(room.ref, session, t);
    if (room.sessions.size === 0) this.rooms.delete(room.ref.sid);
    this.backend.occupancyChanged(room.ref, room.sessions.size);
    this.options.logger.info({ roomSid: room.ref.sid, participantSid: session.sid, reason }, 'participant left');
    try {
      await this.backend.participantDisconnected(room.ref, session.sid);
    } catch (err) {
      this.options.logger.warn({ err, participantSid: session.sid }, 'marking participant disconnected failed');
    }
  }

  private beat(): void {
    const now = Date.now();
    for (const room of [...this.rooms.values()]) {
      for (const s of [...room.sessions.values()]) {
        const ws = s.socket;
        if (!ws) continue;
        if (now - s.lastPong > 2 * this.options.heartbeatIntervalMs) {
          // silent: the client is gone, no grace
          ws.terminate();
          s.socket = undefined;
          void this.remove(room, s, 'heartbeat timeout');
        } else {
          ws.ping();
        }
      }
    }
  }
}

export type { RoomRef };
