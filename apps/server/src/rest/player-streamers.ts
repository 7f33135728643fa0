/** /v1/PlayerStreamers[/{Sid}[/PlaybackGrant]] */
import { Router } from 'express';
import { LatencyModes, Limits, PlayerStreamerStatuses, StatusCallbackMethods } from '@onair/protocol';
import { parseAllowedOrigins, TokenError } from '@onair/tokens';
import { ApiError } from '../services/api-error.js';
import { orderShape, pagingShape } from '../http/paging.js';
import { parseParams, param } from '../http/params.js';
import type { RestContext } from './context.js';
import { sendList } from './list.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { playbackGrantJson, playerStreamerJson } from './serializers.js';

const createShape = {
  Video: param.bool().optional(),
  StatusCallback: param.url().optional(),
  StatusCallbackMethod: param.oneOf(StatusCallbackMethods, { caseInsensitive: true }).optional(),
  MaxDuration: param.int(1, Limits.maxDurationMax).optional(),
  /** onair's extension: `low` (LL-HLS, default) or `standard`; case-sensitive like Twilio's enums */
  LatencyMode: param.oneOf(LatencyModes).optional(),
};
const listShape = { Status: param.oneOf(PlayerStreamerStatuses).optional(), ...orderShape, ...pagingShape };
const updateShape = { Status: param.oneOf(['ended'] as const) };
const grantShape = {
  Ttl: param.int(1, Limits.playbackGrantTtlMax).optional(),
  AccessControlAllowOrigin: param.string(4096).optional(),
};

function allowedOrigins(value: string | undefined): string[] {
  try {
    return parseAllowedOrigins(value);
  } catch (err) {
    if (err instanceof TokenError) {
      throw ApiError.invalidParameter(`Invalid parameter AccessControlAllowOrigin: ${err.message}`, {
        parameter: 'AccessControlAllowOrigin',
      });
    }
    throw err;
  }
}

export function playerStreamersRouter(ctx: RestContext): Router {
  const r = Router();
  r.route('/PlayerStreamers')
    .post(async (req, res) => {
      const p = parseParams(createShape, req.body);
      const streamer = await ctx.streamers.create({
        video: p.Video,
        statusCallback: p.StatusCallback,
        statusCallbackMethod: p.StatusCallbackMethod,
        maxDuration: p.MaxDuration,
        latencyMode: p.LatencyMode,
      });
      res.status(201).json(playerStreamerJson(streamer, ctx.baseUrl(req)));
    })
    .get(async (req, res) => {
      const p = parseParams(listShape, req.query);
      await sendList(req, res, ctx.baseUrl(req), {
        key: 'player_streamers',
        path: '/PlayerStreamers',
        filter: { status: p.Status },
        wireFilters: { Status: p.Status },
        paging: p,
        withOrder: true,
        list: (q) => ctx.store.playerStreamers.list(q),
        toJson: playerStreamerJson,
      });
    })
    .all(methodNotAllowed);

  r.route('/PlayerStreamers/:sid')
    .get(async (req, res) => {
      const streamer = await ctx.streamers.find(req.params.sid);
      res.status(200).json(playerStreamerJson(streamer, ctx.baseUrl(req)));
    })
    .post(async (req, res) => {
      const streamer = await ctx.streamers.find(req.params.sid);
      parseParams(updateShape, req.body);
      const updated = await ctx.streamers.end(streamer, 'ended-via-api');
      res.status(200).json(playerStreamerJson(updated, ctx.baseUrl(req)));
    })
    .all(methodNotAllowed);

  r.route('/PlayerStreamers/:sid/PlaybackGrant')
    .post(async (req, res) => {
      const streamer = await ctx.streamers.find(req.params.sid);
      const p = parseParams(grantShape, req.body);
      const base = ctx.baseUrl(req);
      const grant = await ctx.grants.create(streamer, {
        ttl: p.Ttl,
        allowedOrigins: allowedOrigins(p.AccessControlAllowOrigin),
        baseUrl: base,
      });
      res.status(201).json(playbackGrantJson(grant, base));
    })
    .get(async (req, res) => {
      const streamer = await ctx.streamers.find(req.params.sid);
      const grant = await ctx.grants.latest(streamer);
      res.status(200).json(playbackGrantJson(grant, ctx.baseUrl(req)));
    })
    .all(methodNotAllowed);
  return r;
}
