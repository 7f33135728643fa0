/**
 * `onair streams start|list|stop`: a stream is a PlayerStreamer (VJ) fed by a
 * video-composer-v1 MediaProcessor (ZX) that composes one room.
 */
import { LatencyModes, PlayerStreamerStatuses, SidPrefix, isSid } from '@onair/protocol';
import { UsageError, choiceOption, integerOption, stringOption, type CommandGroup } from './command.js';
import { RestError, type Json, type RestClient } from './rest-client.js';

export const COMPOSER_EXTENSION = 'video-composer-v1';

const FINAL = ['ended', 'failed'];
const streamerPath = (sid: string) => `/v1/PlayerStreamers/${encodeURIComponent(sid)}`;
const processorPath = (sid: string) => `/v1/MediaProcessors/${encodeURIComponent(sid)}`;

/** The processor's ExtensionContext, or {} when it is not JSON. */
function extensionContext(processor: Json): { room?: { name?: string }; outputs?: string[] } {
  try {
    const ctx = JSON.parse(String(processor.extension_context));
    return ctx && typeof ctx === 'object' ? ctx : {};
  } catch {
    return {};
  }
}

const outputsOf = (processor: Json): string[] => {
  const outputs = extensionContext(processor).outputs;
  return Array.isArray(outputs) ? outputs.filter((o) => typeof o === 'string') : [];
};

/** Ends a resource unless it already is; answers its final JSON. */
async function end(client: RestClient, path: string): Promise<Json> {
  const current = await client.get(path);
  if (FINAL.includes(String(current.status))) return current;
  return client.post(path, { Status: 'ended' });
}

export const streamsCommands: CommandGroup = {
  name: 'streams',
  summary: 'onair streams — start, list and stop live streams (PlayerStreamer + composer MediaProcessor)',
  commands: {
    start: {
      synopsis: 'start <room> [--resolution 1280x720] [--max-duration S] [--latency low|standard] [--record]',
      summary:
        'Creates a PlayerStreamer, then a video-composer-v1 MediaProcessor that composes the room\n' +
        '      (name or RM sid) into it; --record also keeps the whole stream as a MediaRecording.\n' +
        '      --latency low (default) is Low-Latency HLS; standard is plain HLS for old CDNs.',
      args: ['room'],
      options: {
        resolution: { type: 'string' },
        'max-duration': { type: 'string' },
        latency: { type: 'string' },
        record: { type: 'boolean' },
      },
      async run({ client, out }, [roomArg], values) {
        const maxDuration = integerOption(values, 'max-duration');
        const latencyMode = choiceOption(values, 'latency', LatencyModes);
        const resolution = stringOption(values, 'resolution');
        if (resolution !== undefined && !/^\d+x\d+$/.test(resolution)) {
          throw new UsageError(`--resolution must look like 1280x720 (got '${resolution}')`);
        }
        // the room must exist: a composer for a mistyped name would only fail later
        const room = await client.get(`/v1/Rooms/${encodeURIComponent(roomArg!)}`);
        if (room.status !== 'in-progress') {
          throw new RestError(400, undefined, `room ${String(room.sid)} is ${String(room.status)}; stream a room that is in progress`);
        }
        const streamer = await client.post('/v1/PlayerStreamers', { MaxDuration: maxDuration, LatencyMode: latencyMode });
        const context = {
          room: { name: roomArg! },
          outputs: [streamer.sid],
          ...(resolution ? { resolution } : {}),
          ...(values.record ? { recordings: [{ containerFormat: 'mp4' }] } : {}),
        };
        let processor: Json;
        try {
          processor = await client.post('/v1/MediaProcessors', {
            Extension: COMPOSER_EXTENSION,
            ExtensionContext: JSON.stringify(context),
            MaxDuration: maxDuration,
          });
        } catch (err) {
          // no processor, no stream: do not leave the streamer waiting for one
          await client.post(streamerPath(String(streamer.sid)), { Status: 'ended' }).catch(() => undefined);
          throw err;
        }
        if (out.json) return out.printJson({ player_streamer: streamer, media_processor: processor });
        out.record([
          ['room', `${String(room.sid)} (${String(room.unique_name)})`],
          ['player streamer', `${String(streamer.sid)} (${String(streamer.status)})`],
          ['latency', streamer.latency_mode],
          ['media processor', `${String(processor.sid)} (${String(processor.status)})`],
          ['recording', values.record ? 'yes (see /v1/MediaRecordings)' : undefined],
        ]);
        out.line();
        out.line(`Viewer link: onair grants create ${String(streamer.sid)}`);
        out.line(`Stop: onair streams stop ${String(streamer.sid)}`);
      },
    },
    list: {
      synopsis: 'list [--status created|started|ended|failed]',
      summary: 'Lists PlayerStreamers with the MediaProcessor feeding each.',
      args: [],
      options: { status: { type: 'string' } },
      async run({ client, out }, _args, values) {
        const status = choiceOption(values, 'status', PlayerStreamerStatuses);
        const [streamers, processors] = await Promise.all([
          client.list('/v1/PlayerStreamers', { Status: status }),
          client.list('/v1/MediaProcessors'),
        ]);
        if (out.json) return out.printJson({ player_streamers: streamers, media_processors: processors });
        const feeding = new Map<string, Json>();
        for (const p of processors) for (const vj of outputsOf(p)) if (!feeding.has(vj) || p.status === 'started') feeding.set(vj, p);
        out.table(
          ['STREAMER', 'STATUS', 'LATENCY', 'PROCESSOR', 'STATUS', 'ROOM', 'CREATED'],
          streamers.map((s) => {
            const p = feeding.get(String(s.sid));
            const room = p ? extensionContext(p).room?.name : undefined;
            return [s.sid, s.status, s.latency_mode, p?.sid, p?.status, room, s.date_created];
          }),
          'No streams.',
        );
      },
    },
    stop: {
      synopsis: 'stop <VJ or ZX sid>',
      summary: 'Ends the PlayerStreamer (ended-via-api) and the MediaProcessor that feeds it (Status=ended).',
      args: ['sid'],
      async run({ client, out }, [sid]) {
        let processorSids: string[];
        let streamerSids: string[];
        if (isSid(SidPrefix.MediaProcessor, sid)) {
          processorSids = [sid];
          streamerSids = outputsOf(await client.get(processorPath(sid)));
        } else if (isSid(SidPrefix.PlayerStreamer, sid)) {
          await client.get(streamerPath(sid)); // 20404 before anything else
          const running = await client.list('/v1/MediaProcessors', { Status: 'started' });
          processorSids = running.filter((p) => outputsOf(p).includes(sid)).map((p) => String(p.sid));
          streamerSids = [sid];
        } else {
          throw new UsageError(`expected a PlayerStreamer (VJ…) or MediaProcessor (ZX…) SID (got '${sid}')`);
        }
        // streamers first, so they end ended-via-api (ended after their processor, they would
        // end stream-disconnected-by-source); ending a processor is idempotent on the server
        const streamers: Json[] = [];
        for (const s of streamerSids) streamers.push(await end(client, streamerPath(s)));
        const processors: Json[] = [];
        for (const p of processorSids) processors.push(await end(client, processorPath(p)));
        if (out.json) return out.printJson({ media_processors: processors, player_streamers: streamers });
        for (const r of [...processors, ...streamers]) {
          const kind = String(r.sid).startsWith('ZX') ? 'media processor' : 'player streamer';
          out.line(`${kind} ${String(r.sid)}: ${String(r.status)}${r.ended_reason ? ` (${String(r.ended_reason)})` : ''}`);
        }
      },
    },
  },
};
