/** /v1/MediaRecordings[/{Sid}] — recordings are made by processors; REST reads and deletes. */
import { Router } from 'express';
import { MediaRecordingStatuses, SidPrefix } from '@onair/protocol';
import { findBySid } from '../services/find.js';
import { orderShape, pagingShape } from '../http/paging.js';
import { parseParams, param } from '../http/params.js';
import type { RestContext } from './context.js';
import { sendList } from './list.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { mediaRecordingJson } from './serializers.js';

const listShape = {
  Status: param.oneOf(MediaRecordingStatuses).optional(),
  ProcessorSid: param.string(34).optional(),
  SourceSid: param.string(34).optional(),
  ...orderShape,
  ...pagingShape,
};

export function mediaRecordingsRouter(ctx: RestContext): Router {
  const r = Router();
  const find = (sid: string) =>
    findBySid(SidPrefix.MediaRecording, sid, (s) => ctx.store.mediaRecordings.get(s), '/v1/MediaRecordings');
  r.route('/MediaRecordings')
    .get(async (req, res) => {
      const p = parseParams(listShape, req.query);
      await sendList(req, res, ctx.baseUrl(req), {
        key: 'media_recordings',
        path: '/MediaRecordings',
        filter: { status: p.Status, processorSid: p.ProcessorSid, sourceSid: p.SourceSid },
        wireFilters: { Status: p.Status, ProcessorSid: p.ProcessorSid, SourceSid: p.SourceSid },
        paging: p,
        withOrder: true,
        list: (q) => ctx.store.mediaRecordings.list(q),
        toJson: mediaRecordingJson,
      });
    })
    .all(methodNotAllowed);

  r.route('/MediaRecordings/:sid')
    .get(async (req, res) => {
      res.status(200).json(mediaRecordingJson(await find(req.params.sid), ctx.baseUrl(req)));
    })
    .delete(async (req, res) => {
      const rec = await find(req.params.sid);
      await ctx.store.mediaRecordings.remove(rec.sid);
      res.status(204).end();
    })
    .all(methodNotAllowed);
  return r;
}
