/** /v1/MediaProcessors[/{Sid}] */
import { Router } from 'express';
import { Limits, MediaProcessorStatuses, StatusCallbackMethods } from '@onair/protocol';
import { orderShape, pagingShape } from '../http/paging.js';
import { parseParams, param } from '../http/params.js';
import type { RestContext } from './context.js';
import { sendList } from './list.js';
import { methodNotAllowed } from './method-not-allowed.js';
import { parseComposerRequest } from './composer-context.js';
import { mediaProcessorJson } from './serializers.js';

const createShape = {
  Extension: param.string(256),
  ExtensionContext: param.string(16_384),
  ExtensionEnvironment: param.string(16_384).optional(),
  StatusCallback: param.url().optional(),
  StatusCallbackMethod: param.oneOf(StatusCallbackMethods, { caseInsensitive: true }).optional(),
  MaxDuration: param.int(1, Limits.maxDurationMax).optional(),
};
const listShape = { Status: param.oneOf(MediaProcessorStatuses).optional(), ...orderShape, ...pagingShape };
const updateShape = { Status: param.oneOf(['ended'] as const) };

export function mediaProcessorsRouter(ctx: RestContext): Router {
  const r = Router();
  r.route('/MediaProcessors')
    .post(async (req, res) => {
      const p = parseParams(createShape, req.body);
      const processor = await ctx.processors.create({
        settings: parseComposerRequest(p.Extension, p.ExtensionContext, p.ExtensionEnvironment),
        extension: p.Extension,
        extensionContext: p.ExtensionContext,
        extensionEnvironment: p.ExtensionEnvironment,
        statusCallback: p.StatusCallback,
        statusCallbackMethod: p.StatusCallbackMethod,
        maxDuration: p.MaxDuration,
      });
      res.status(201).json(mediaProcessorJson(processor, ctx.baseUrl(req)));
    })
    .get(async (req, res) => {
      const p = parseParams(listShape, req.query);
      await sendList(req, res, ctx.baseUrl(req), {
        key: 'media_processors',
        path: '/MediaProcessors',
        filter: { status: p.Status },
        wireFilters: { Status: p.Status },
        paging: p,
        withOrder: true,
        list: (q) => ctx.store.mediaProcessors.list(q),
        toJson: mediaProcessorJson,
      });
    })
    .all(methodNotAllowed);

  r.route('/MediaProcessors/:sid')
    .get(async (req, res) => {
      const processor = await ctx.processors.find(req.params.sid);
      res.status(200).json(mediaProcessorJson(processor, ctx.baseUrl(req)));
    })
    .post(async (req, res) => {
      const processor = await ctx.processors.find(req.params.sid);
      parseParams(updateShape, req.body);
      const updated = await ctx.processors.end(processor, 'ended-via-api');
      res.status(200).json(mediaProcessorJson(updated, ctx.baseUrl(req)));
    })
    .all(methodNotAllowed);
  return r;
}
