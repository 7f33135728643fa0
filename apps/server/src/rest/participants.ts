/** /v1/Rooms/{RoomSid}/Participants[/{Sid}] */
import { Router } from 'express';
import { ParticipantStatuses } from '@onair/protocol';
import { parseParams, param } from '../http/params.js';
import { pagingShape } from '../http/paging.js';
import type { RestContext } from './context.js';
import { sendList, wireDate } from './list.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { participantJson } from './serializers.js';

const listShape = {
  Status: param.oneOf(ParticipantStatuses).optional(),
  Identity: param.string(256).optional(),
  DateCreatedAfter: param.date().optional(),
  DateCreatedBefore: param.date().optional(),
  ...pagingShape,
};
const updateShape = { Status: param.oneOf(['disconnected'] as const) };

export function participantsRouter(ctx: RestContext): Router {
  const r = Router();
  r.route('/Rooms/:room/Participants')
    .get(async (req, res) => {
      const room = await ctx.rooms.find(req.params.room);
      const p = parseParams(listShape, req.query);
      await sendList(req, res, ctx.baseUrl(req), {
        key: 'participants',
        path: `/Rooms/${room.sid}/Participants`,
        filter: {
          roomSid: room.sid,
          status: p.Status,
          identity: p.Identity,
          dateCreatedAfter: p.DateCreatedAfter,
          dateCreatedBefore: p.DateCreatedBefore,
        },
        wireFilters: {
          Status: p.Status,
          Identity: p.Identity,
          DateCreatedAfter: wireDate(p.DateCreatedAfter),
          DateCreatedBefore: wireDate(p.DateCreatedBefore),
        },
        paging: p,
        withOrder: false,
        list: (q) => ctx.store.participants.list(q),
        toJson: participantJson,
      });
    })
    .all(methodNotAllowed);

  r.route('/Rooms/:room/Participants/:sid')
    .get(async (req, res) => {
      const room = await ctx.rooms.find(req.params.room);
      const participant = await ctx.participants.find(room, req.params.sid);
      res.status(200).json(participantJson(participant, ctx.baseUrl(req)));
    })
    .post(async (req, res) => {
      const room = await ctx.rooms.find(req.params.room);
      const participant = await ctx.participants.find(room, req.params.sid);
      parseParams(updateShape, req.body);
      const updated = await ctx.participants.disconnect(room, participant);
      res.status(200).json(participantJson(updated, ctx.baseUrl(req)));
    })
    .all(methodNotAllowed);
  return r;
}
