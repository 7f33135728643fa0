/**
 * /v1/MediaRecordings[/{Sid}[/Media]] — recordings are made by processors; REST reads,
 * downloads (the MP4 itself, with Range support) and deletes (row and files).
 */
import { Router, type NextFunction, type Response } from 'express';
import { ErrorCode, MediaRecordingStatuses } from '@onair/protocol';
import { ApiError } from '../services/api-error.js';
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
  const find = (sid: string) => ctx.recordings.find(sid);
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
      await ctx.recordings.remove(rec);
      res.status(204).end();
    })
    .all(methodNotAllowed);

  r.route('/MediaRecordings/:sid/Media')
    .get(async (req, res, next) => {
      const rec = await find(req.params.sid);
      const { root, file } = ctx.recordings.media(rec);
      sendMp4(res, next, root, file, `${rec.sid}.mp4`, rec.sid);
    })
    .all(methodNotAllowed);
  return r;
}

/**
 * Streams the MP4 from inside `root` only (send refuses paths that leave it): Content-Length,
 * Accept-Ranges and 206 for Range requests come from express's sendFile.
 */
function sendMp4(res: Response, next: NextFunction, root: string, file: string, downloadName: string, sid: string): void {
  res.sendFile(
    file,
    {
      root,
      dotfiles: 'deny',
      acceptRanges: true,
      headers: {
        'Content-Type': 'video/mp4',
        'Content-Disposition': `inline; filename="${downloadName}"`,
        'Cache-Control': 'private, no-cache',
      },
    },
    (err?: Error & { status?: number; code?: string }) => {
      if (!err || res.headersSent) return;
      if (err.code === 'ENOENT' || err.status === 404) next(new ApiError(404, ErrorCode.NotFound, `MediaRecording ${sid} has no media file`));
      else next(err);
    },
  );
}
