/**
 * `onair worker`: runs media jobs and nothing else. It takes them from Redis (MediaWorker),
 * runs each on its JobHost (the composer page loaded from the origin, ffmpeg, the packagers),
 * pushes every packaged file to the origin over HTTP (HttpPushStore) and uploads recording
 * pieces there. SIGTERM drains: no new jobs, running ones get --drain-timeout to end, then
 * move to other workers.
 */
import { join } from 'node:path';
import {
  hostRunJob,
  JobHost,
  MediaWorker,
  openHlsOutput,
  openUploadedRecording,
} from '@onair/media-processor';
import { HttpPushStore, uploadRecording } from '@onair/player-streamer';
import type { Logger } from 'pino';
import { redactRedisUrl } from '../config/redis-url.js';
import type { WorkerConfig } from '../config/worker-config.js';
import { composerTokens } from '../media/composer-tokens.js';
import { prepareHost } from '../media/prepare-host.js';
import { ConfigError } from '../config/config-error.js';
import { accountFromOrigin, type AccountLookupError } from './account.js';

export interface RunningWorkerProcess {
  readonly id: string;
  /** drains (the configured timeout), then closes everything */
  stop(): Promise<void>;
}

export async function runWorker(config: WorkerConfig, logger: Logger, out: NodeJS.WritableStream): Promise<RunningWorkerProcess> {
  const { originUrl, credentials } = config;
  const { apiKeySid, apiSecret } = credentials;
  const askOrigin = accountFromOrigin({ originUrl, apiKeySid, apiSecret });
  // a wrong key, or a server of another account, stops the worker at once (exit 2); a server
  // that is not up yet does not: it is asked again when the first job needs it
  const known = await askOrigin().catch((err: AccountLookupError) => {
    if (err.refused) throw new ConfigError(err.message);
    logger.warn({ originUrl, reason: err.message }, 'the origin does not answer yet; jobs wait for it');
    return undefined;
  });
  if (known && credentials.accountSid && known !== credentials.accountSid) {
    throw new ConfigError(`ONAIR_ACCOUNT_SID is not the account of the server at ${originUrl}`);
  }
  const accountSid = credentials.accountSid ? async () => credentials.accountSid! : askOrigin;
  const host: JobHost = new JobHost({
    chromePath: config.chromePath,
    ffmpegPath: config.ffmpegPath,
    maxJobs: config.maxProcessors,
    standby: config.composerStandby,
    sandbox: !config.chromiumNoSandbox,
    videoCodec: config.composerVideoCodec,
    pageBaseUrl: () => originUrl,
    logger,
    mintToken: composerTokens(async () => ({ accountSid: await accountSid(), apiKeySid, apiSecret })),
    openOutput: async (output) => {
      const sid = output.streamerSid;
      const store = new HttpPushStore({ originUrl, streamerSid: sid, apiKeySid, apiSecret });
      let lastWarned = 0;
      store.on('retrying', (name, attempt, delayMs, reason) => {
        if (Date.now() - lastWarned < 5_000) return; // one line every 5 s while the origin is away
        lastWarned = Date.now();
        logger.warn({ playerStreamerSid: sid, file: name, attempt, delayMs, reason }, 'the origin does not take the stream; retrying');
      });
      store.on('recovered', (downMs, resent) => logger.info({ playerStreamerSid: sid, downMs, resent }, 'the origin takes the stream again'));
      store.on('dropped', (name, reason) => logger.warn({ playerStreamerSid: sid, file: name, reason }, 'a stream file was not delivered'));
      store.on('refused', (status) => logger.error({ playerStreamerSid: sid, status }, 'the origin refused this worker\'s API key'));
      return openHlsOutput({
        store,
        latencyMode: output.latencyMode,
        media: host.media,
        onError: (err) => logger.error({ err, playerStreamerSid: sid }, 'HLS packaging failed'),
      });
    },
    openRecording: (rec, ctx) =>
      openUploadedRecording({
        dir: join(config.dataDir, 'recordings', rec.mediaRecordingSid),
        createdAt: ctx.createdAt,
        upload: (name, path) => uploadRecording({ originUrl, apiKeySid, apiSecret, mediaRecordingSid: rec.mediaRecordingSid, name, path }),
        onError: (err, piece) => logger.error({ err, mediaRecordingSid: rec.mediaRecordingSid, piece }, 'a recording piece was not delivered'),
      }),
  });
  await prepareHost(host, logger);
  let worker: MediaWorker;
  try {
    worker = await MediaWorker.start({
      redisUrl: config.redis.url,
      runJob: hostRunJob(host),
      capacity: host.maxJobs,
      workerId: host.workerId,
      log: logger,
    });
  } catch (err) {
    await host.close();
    throw err;
  }
  host.warm();
  out.write(
    `onair worker ${worker.id} is ready: up to ${worker.capacity} media processor${worker.capacity === 1 ? '' : 's'}, ` +
      `origin ${originUrl}, Redis ${redactRedisUrl(config.redis.url)}\n`,
  );
  logger.info({ workerId: worker.id, capacity: worker.capacity, originUrl }, 'onair worker ready');
  let stopping: Promise<void> | undefined;
  return {
    id: worker.id,
    stop: () =>
      (stopping ??= (async () => {
        logger.info({ workerId: worker.id, drainTimeoutMs: config.drainTimeoutMs }, 'draining: no new jobs; running ones move on after the drain timeout');
        await worker.drain(config.drainTimeoutMs);
        await host.close();
      })()),
  };
}
