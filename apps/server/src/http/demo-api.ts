/**
 * /demo/api — the server side of the one-click demo page (/demo/). It holds the (dev)
 * credentials and does what an application backend does with the public REST API (over
 * loopback, see demo-rest.ts) and the tokens SDK: create rooms, mint speaker tokens,
 * start and stop a composed stream, and report rooms, participants, streamers (with
 * their live viewer counts) and processors. No response carries the API secret.
 *
 * POST bodies are JSON (`Content-Type: application/json`, which cross-site forms cannot
 * send), and a request whose `Origin` is another site is refused. Errors are Twilio
 * error JSON `{code, message, more_info, status}`.
 *
 *   POST /demo/api/rooms                    {name}       → {room}
 *   POST /demo/api/rooms/:room/speakers     {identity?}  → {identity, token, url}
 *   POST /demo/api/rooms/:room/stream       {}           → {streamer, processor, watchUrl}
 *   POST /demo/api/streams/:streamer/stop   {}           → {streamer}
 *   GET  /demo/api/streams/:streamer/viewers             → {streamerSid, viewers}
 *   GET  /demo/api/dashboard                             → {rooms, streamers, processors}
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode, SidPrefix, isSid } from '@onair/protocol';
import { createAccessToken } from '@onair/tokens';
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { Credentials } from '../config/credentials.js';
import type { Metrics } from '../metrics.js';
import type { RestContext } from '../rest/context.js';
import { ApiError } from '../services/api-error.js';
import { demoRest, type DemoRest } from './demo-rest.js';
import { toRoomView, toProcessorView, toStreamerView, type RestProcessor, type RestRoom, type RestStreamer } from './demo-views.js';

export interface DemoApiOptions {
  rest: RestContext;
  credentials: Credentials;
  metrics: Metrics;
}

/** Room names and identities the demo accepts: URL- and HTML-safe, short. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SPEAKER_TOKEN_TTL = 3600;
/** Demo streams run up to an hour (the API's default would end them after 5 minutes). */
const STREAM_MAX_DURATION = 3600;
const LIST_SIZE = 20;
/** Rooms whose participants the dashboard lists (each costs one REST call per poll). */
const MAX_ROOMS_DETAILED = 20;

type AsyncHandler = (req: Request, api: DemoRest) => Promise<{ status?: number; body: unknown }>;

export function demoApi(opts: DemoApiOptions): Router {
  const { rest, credentials, metrics } = opts;
  const router = express.Router();
  router.use(sameOrigin);
  router.use(express.json({ limit: '16kb', strict: true, type: 'application/json' }));

  const handle =
    (fn: AsyncHandler): RequestHandler =>
    (req, res, next) => {
      void (async () => {
        if (req.method === 'POST' && !isJson(req)) {
          throw ApiError.unsupportedMediaType('Send the request body as JSON (Content-Type: application/json)');
        }
        const out = await fn(req, demoRest(rest, credentials, req));
        res.set('Cache-Control', 'no-store');
        res.status(out.status ?? 200).json(out.body);
      })().catch(next);
    };

  const viewers = async (): Promise<Map<string, number>> => {
    const gauge = await metrics.playbackViewers.get();
    return new Map(gauge.values.map((v) => [String(v.labels['streamer']), v.value]));
  };

  router.post(
    '/rooms',
    handle(async (req, api) => {
      const name = nameParam(bodyField(req, 'name'), 'name');
      const room = await api.post<RestRoom>('/v1/Rooms', { UniqueName: name, Type: 'group' });
      return { status: 201, body: { room: toRoomView(room, []) } };
    }),
  );

  router.post(
    '/rooms/:room/speakers',
    handle(async (req, api) => {
      const name = roomParam(req);
      const given = bodyField(req, 'identity');
      const identity = given === undefined ? `speaker-${randomBytes(3).toString('hex')}` : nameParam(given, 'identity');
      const room = await liveRoom(api, name);
      const token = await createAccessToken({
        accountSid: credentials.accountSid,
        apiKeySid: credentials.apiKeySid,
        apiSecret: credentials.apiSecret,
        identity,
        ttl: SPEAKER_TOKEN_TTL,
        video: { room: room.unique_name },
      });
      return { status: 201, body: { identity, room: room.unique_name, token, url: `/demo/speaker?token=${encodeURIComponent(token)}` } };
    }),
  );

  router.post(
    '/rooms/:room/stream',
    handle(async (req, api) => {
      const room = await liveRoom(api, roomParam(req));
      const running = await api.get<{ media_processors: RestProcessor[] }>('/v1/MediaProcessors', { Status: 'started', PageSize: 100 });
      if (running.media_processors.map(toProcessorView).some((p) => p.room === room.unique_name || p.room === room.sid)) {
        throw new ApiError(409, ErrorCode.Conflict, `Room ${room.unique_name} is already streaming; stop that stream first`);
      }
      const streamer = await api.post<RestStreamer>('/v1/PlayerStreamers', { MaxDuration: STREAM_MAX_DURATION });
      let processor: RestProcessor;
      try {
        processor = await api.post<RestProcessor>('/v1/MediaProcessors', {
          Extension: 'video-composer-v1',
          ExtensionContext: JSON.stringify({ room: { name: room.unique_name }, outputs: [streamer.sid] }),
          MaxDuration: STREAM_MAX_DURATION,
        });
      } catch (err) {
        await api.post(`/v1/PlayerStreamers/${streamer.sid}`, { Status: 'ended' }).catch(() => undefined);
        throw err;
      }
      const view = toProcessorView(processor);
      return {
        status: 201,
        body: {
          streamer: toStreamerView(streamer, view.room, 0),
          processor: view,
          watchUrl: `/demo/watch?streamer=${streamer.sid}`,
        },
      };
    }),
  );

  router.post(
    '/streams/:streamer/stop',
    handle(async (req, api) => {
      const sid = streamerParam(req);
      const running = await api.get<{ media_processors: RestProcessor[] }>('/v1/MediaProcessors', { Status: 'started', PageSize: 100 });
      const feeding = running.media_processors.filter((p) => toProcessorView(p).outputs.includes(sid));
      // the streamer first (ended-via-api, its playlist finalised), then what fed it
      let streamer = await api.get<RestStreamer>(`/v1/PlayerStreamers/${sid}`);
      if (streamer.status === 'created' || streamer.status === 'started') {
        streamer = await api.post<RestStreamer>(`/v1/PlayerStreamers/${sid}`, { Status: 'ended' });
      }
      await Promise.all(
        feeding.map((p) =>
          api.post(`/v1/MediaProcessors/${p.sid}`, { Status: 'ended' }).catch((err: unknown) => {
            if (!(err instanceof ApiError && err.status < 500)) throw err; // 4xx: it has ended on its own meanwhile
          }),
        ),
      );
      const room = feeding[0] ? toProcessorView(feeding[0]).room : undefined;
      return { body: { streamer: toStreamerView(streamer, room, (await viewers()).get(sid) ?? 0) } };
    }),
  );

  router.get(
    '/streams/:streamer/viewers',
    handle(async (req) => {
      const sid = streamerParam(req);
      return { body: { streamerSid: sid, viewers: (await viewers()).get(sid) ?? 0 } };
    }),
  );

  router.get(
    '/dashboard',
    handle(async (_req, api) => {
      const [live, completed, streamers, processors, counts] = await Promise.all([
        api.get<{ rooms: RestRoom[] }>('/v1/Rooms', { Status: 'in-progress', PageSize: 50 }),
        api.get<{ rooms: RestRoom[] }>('/v1/Rooms', { Status: 'completed', PageSize: 5 }),
        api.get<{ player_streamers: RestStreamer[] }>('/v1/PlayerStreamers', { Order: 'desc', PageSize: LIST_SIZE }),
        api.get<{ media_processors: RestProcessor[] }>('/v1/MediaProcessors', { Order: 'desc', PageSize: LIST_SIZE }),
        viewers(),
      ]);
      const rooms = await Promise.all(
        live.rooms.map(async (room, i) => {
          if (i >= MAX_ROOMS_DETAILED) return toRoomView(room, []);
          const list = await api.get<{ participants: { sid: string; identity: string; status: string }[] }>(
            `/v1/Rooms/${room.sid}/Participants`,
            { Status: 'connected', PageSize: 50 },
          );
          return toRoomView(room, list.participants);
        }),
      );
      // which worker runs each running processor (this process, or an onair worker on Redis)
      const workers = rest.processors.workers();
      const processorViews = processors.media_processors.map((p) => ({ ...toProcessorView(p), worker: workers.get(p.sid) ?? null }));
      const roomOf = new Map(processorViews.flatMap((p) => p.outputs.map((o) => [o, p.room] as const)));
      return {
        body: {
          rooms: [...rooms, ...completed.rooms.map((r) => toRoomView(r, []))],
          streamers: streamers.player_streamers.map((s) => toStreamerView(s, roomOf.get(s.sid), counts.get(s.sid) ?? 0)),
          processors: processorViews,
          generatedAt: new Date().toISOString(),
        },
      };
    }),
  );

  router.use((req, _res, next) => next(ApiError.notFound(`/demo/api${req.path}`)));
  return router;
}

/** Refuses requests whose Origin is another site (the demo acts with the server's credentials). */
const sameOrigin: RequestHandler = (req, _res, next) => {
  const origin = req.headers.origin;
  if (origin !== undefined && (!URL.canParse(origin) || new URL(origin).host !== req.headers.host)) {
    next(new ApiError(403, ErrorCode.Forbidden, 'The demo API only answers pages of its own origin'));
    return;
  }
  next();
};

/** The Content-Type names JSON (checked even without a body: a cross-site form cannot send it). */
function isJson(req: Request): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json';
}

function bodyField(req: Request, key: string): unknown {
  const body: unknown = req.body;
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw ApiError.invalidParameter('The request body must be a JSON object');
  return (body as Record<string, unknown>)[key];
}

function nameParam(value: unknown, what: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw ApiError.invalidParameter(
      `${what} must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit`,
      { param: what },
    );
  }
  return value;
}

function roomParam(req: Request): string {
  const room = req.params['room'];
  if (isSid(SidPrefix.Room, room)) return room;
  return nameParam(room, 'room');
}

function streamerParam(req: Request): string {
  const sid = req.params['streamer'];
  if (!isSid(SidPrefix.PlayerStreamer, sid)) {
    throw ApiError.invalidParameter('streamer must be a PlayerStreamer SID (VJ followed by 32 hex characters)', { param: 'streamer' });
  }
  return sid;
}

/** The room, which must be in progress (speakers cannot join, and nothing to compose, otherwise). */
async function liveRoom(api: DemoRest, room: string): Promise<RestRoom> {
  const found = await api.get<RestRoom>(`/v1/Rooms/${encodeURIComponent(room)}`);
  if (found.status !== 'in-progress') {
    throw new ApiError(409, ErrorCode.RoomCompleted, `Room ${found.unique_name} has ended; create it again`);
  }
  return found;
}
