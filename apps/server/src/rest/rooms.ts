/** /v1/Rooms and /v1/Rooms/{Sid or UniqueName} */
import { Router } from 'express';
import { RoomStatuses, RoomTypes, StatusCallbackMethods, VideoCodecs } from '@onair/protocol';
import { parseParams, param } from '../http/params.js';
import { pagingShape } from '../http/paging.js';
import { methodNotAllowed } from './method-not-allowed.js';
import type { RestContext } from './context.js';
import { sendList, wireDate } from './list.js';
import { roomJson } from './serializers.js';

const createShape = {
  UniqueName: param.string(128).optional(),
  Type: param.oneOf(RoomTypes).optional(),
  StatusCallback: param.url().optional(),
  StatusCallbackMethod: param.oneOf(StatusCallbackMethods, { caseInsensitive: true }).optional(),
  MaxParticipants: param.int(1, 50).optional(),
  MaxParticipantDuration: param.int(600, 86_400).optional(),
  RecordParticipantsOnConnect: param.bool().optional(),
  VideoCodecs: param.oneOf(VideoCodecs).array().optional(),
  MediaRegion: param.string(32).optional(),
  RecordingRules: param.json().optional(),
  AudioOnly: param.bool().optional(),
  EmptyRoomTimeout: param.int(1, 60).optional(),
  UnusedRoomTimeout: param.int(1, 60).optional(),
  LargeRoom: param.bool().optional(),
  EnableTurn: param.bool().optional(),
};

const listShape = {
  Status: param.oneOf(RoomStatuses).optional(),
  UniqueName: param.string(128).optional(),
  DateCreatedAfter: param.date().optional(),
  DateCreatedBefore: param.date().optional(),
  ...pagingShape,
};

const updateShape = { Status: param.oneOf(['completed'] as const) };

export function roomsRouter(ctx: RestContext): Router {
  const r = Router();
  r.route('/Rooms')
    .post(async (req, res) => {
      const p = parseParams(createShape, req.body, ['VideoCodecs']);
      const room = await ctx.rooms.create({
        uniqueName: p.UniqueName,
        type: p.Type,
        statusCallback: p.StatusCallback,
        statusCallbackMethod: p.StatusCallbackMethod,
        maxParticipants: p.MaxParticipants,
        maxParticipantDuration: p.MaxParticipantDuration,
        recordParticipantsOnConnect: p.RecordParticipantsOnConnect,
        videoCodecs: p.VideoCodecs ? [...new Set(p.VideoCodecs)] : undefined,
        mediaRegion: p.MediaRegion,
        recordingRules: p.RecordingRules,
        audioOnly: p.AudioOnly,
        emptyRoomTimeout: p.EmptyRoomTimeout,
        unusedRoomTimeout: p.UnusedRoomTimeout,
        largeRoom: p.LargeRoom,
        enableTurn: p.EnableTurn,
      });
      res.status(201).json(roomJson(room, ctx.baseUrl(req)));
    })
    .get(async (req, res) => {
      const p = parseParams(listShape, req.query);
      await sendList(req, res, ctx.baseUrl(req), {
        key: 'rooms',
        path: '/Rooms',
        filter: {
          status: p.Status,
          uniqueName: p.UniqueName,
          dateCreatedAfter: p.DateCreatedAfter,
          dateCreatedBefore: p.DateCreatedBefore,
        },
        wireFilters: {
          Status: p.Status,
          UniqueName: p.UniqueName,
          DateCreatedAfter: wireDate(p.DateCreatedAfter),
          DateCreatedBefore: wireDate(p.DateCreatedBefore),
        },
        paging: p,
        withOrder: false,
        list: (q) => ctx.store.rooms.list(q),
        toJson: roomJson,
      });
    })
    .all(methodNotAllowed);

  r.route('/Rooms/:room')
    .get(async (req, res) => {
      const room = await ctx.rooms.find(req.params.room);
      res.status(200).json(roomJson(room, ctx.baseUrl(req)));
    })
    .post(async (req, res) => {
      const room = await ctx.rooms.find(req.params.room);
      parseParams(updateShape, req.body);
      const updated = await ctx.rooms.complete(room);
      res.status(200).json(roomJson(updated, ctx.baseUrl(req)));
    })
    .all(methodNotAllowed);
  return r;
}
