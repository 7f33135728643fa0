/**
 * MediaRecordings: a processor started with `recordings: [{containerFormat: "mp4"}]` keeps
 * its whole stream. processing → completed | failed, changed only through these methods;
 * deleting removes the row and the files.
 *
 * Files live in `<dataDir>/recordings/<KV…>/`: the job writes fragmented MP4 pieces there
 * while it runs (one per recording of the job), and `finalize` joins them into `media.mp4`.
 * A recording left `processing` by a crash is finalised on the next start (`recover`).
 *
 * Status callbacks (Twilio documents none for MediaRecordings, so these mirror the
 * MediaProcessor's `media-processor-*` and Video's `recording-*` events): to the processor's
 * StatusCallback, `media-recording-started`, `media-recording-completed` (with Duration,
 * MediaSize and MediaUri) and `media-recording-failed`, numbered with the processor's events.
 */
import { rm } from 'node:fs/promises';
import { ErrorCode, SidPrefix, createSid, isSid, type ComposerSettings } from '@onair/protocol';
import type { FinalizedRecording } from '@onair/media-processor';
import { ApiError } from './api-error.js';
import { recordingDir } from '../data-paths.js';
import type { MediaProcessor, MediaRecording } from '../store/records.js';
import { notify, type ServiceContext } from './context.js';
import { findBySid } from './find.js';


export interface MediaRecordingServiceOptions {
  dataDir: string;
  /** joins the pieces in `dir` into one MP4 (throws when nothing usable was recorded) */
  finalize: (dir: string) => Promise<FinalizedRecording>;
  /** the room a processor records: its SID, opening it (as the composer's join will) when only named */
  resolveRoom: (nameOrSid: string) => Promise<string>;
  /** a recording reached completed or failed */
  onFinished?: (status: 'completed' | 'failed') => void;
}

export class MediaRecordingService {
  /** finalisations under way, by recording SID (one at a time each) */
  private readonly finalizing = new Map<string, Promise<MediaRecording>>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly opts: MediaRecordingServiceOptions,
  ) {}

  find(sid: string): Promise<MediaRecording> {
    return findBySid(SidPrefix.MediaRecording, sid, (s) => this.ctx.store.mediaRecordings.get(s), '/v1/MediaRecordings');
  }

  dir(rec: Pick<MediaRecording, 'sid'>): string {
    return recordingDir(this.opts.dataDir, rec.sid);
  }

  /** The row of a processor that starts recording (status processing). */
  async create(processor: MediaProcessor, settings: ComposerSettings, sid = createSid(SidPrefix.MediaRecording)): Promise<MediaRecording> {
    const sourceSid = await this.opts.resolveRoom(settings.room);
    const now = this.ctx.clock();
    const rec: MediaRecording = {
      sid,
      accountSid: this.ctx.accountSid,
      dateCreated: now,
      dateUpdated: now,
      processorSid: processor.sid,
      sourceSid,
      status: 'processing',
      format: settings.recording?.containerFormat ?? 'mp4',
      resolution: `${settings.width}x${settings.height}`,
      duration: null,
      mediaSize: null,
      statusCallback: processor.statusCallback,
      statusCallbackMethod: processor.statusCallbackMethod,
    };
    await this.ctx.store.mediaRecordings.insert(rec);
    this.ctx.logger.info({ mediaRecordingSid: rec.sid, mediaProcessorSid: processor.sid, sourceSid }, 'media recording started');
    this.notify(rec, 'media-recording-started');
    return rec;
  }

  /**
   * Turns the recorded pieces into the final MP4 and settles the status: completed with
   * duration and size, or failed when nothing usable was recorded or the remux failed.
   * Never throws; concurrent calls for one recording share the work. `endedReason`: why it
   * ended before its processor (given to the status callback as EndedReason).
   */
  finalize(sid: string, endedReason?: string): Promise<MediaRecording> {
    let running = this.finalizing.get(sid);
    if (!running) {
      running = this.doFinalize(sid, endedReason).finally(() => this.finalizing.delete(sid));
      this.finalizing.set(sid, running);
    }
    return running;
  }

  /**
   * Finalises every recording a previous run left processing (it crashed or was killed),
   * except those of processors still running (on workers that outlived that run: they go on
   * recording, and are finalised when their job reports them closed).
   */
  async recover(): Promise<number> {
    const processing = await this.ctx.store.mediaRecordings.list({ filter: { status: 'processing' }, order: 'asc', limit: -1 });
    const left = [];
    for (const rec of processing) {
      const processor = await this.ctx.store.mediaProcessors.get(rec.processorSid);
      if (processor?.status !== 'started') left.push(rec);
    }
    for (const rec of left) {
      this.ctx.logger.warn({ mediaRecordingSid: rec.sid }, 'finalising a recording left processing by an earlier run');
      await this.finalize(rec.sid);
    }
    return left.length;
  }

  /** Deletes a finished recording and its files. A recording still processing cannot be deleted (409). */
  async remove(rec: MediaRecording): Promise<void> {
    if (rec.status === 'processing') throw stillProcessing(rec, 'deleted');
    await rm(this.dir(rec), { recursive: true, force: true });
    await this.ctx.store.mediaRecordings.remove(rec.sid);
    this.ctx.logger.info({ mediaRecordingSid: rec.sid }, 'media recording deleted');
  }

  /** The MP4 of a completed recording as `{root, file}` for a send that cannot leave `root`. */
  media(rec: MediaRecording): { root: string; file: string } {
    if (rec.status === 'processing') throw stillProcessing(rec, 'downloaded');
    if (rec.status !== 'completed') {
      throw new ApiError(404, ErrorCode.NotFound, `MediaRecording ${rec.sid} has no media: its status is ${rec.status}`);
    }
    return { root: this.dir(rec), file: 'media.mp4' };
  }

  private async doFinalize(sid: string, endedReason?: string): Promise<MediaRecording> {
    const rec = await this.ctx.store.mediaRecordings.get(sid);
    if (!rec || rec.status !== 'processing') {
      if (!rec) throw ApiError.notFound(`/v1/MediaRecordings/${sid}`);
      return rec;
    }
    let result: FinalizedRecording | undefined;
    let failure: string | undefined;
    try {
      result = await this.opts.finalize(this.dir(rec));
    } catch (err) {
      const code = (err as { code?: string }).code;
      failure = code === 'ERR_RECORDING_EMPTY' ? 'nothing was recorded' : 'the recording could not be finalised';
      this.ctx.logger.error({ err, mediaRecordingSid: sid }, 'media recording failed');
    }
    const patch: Partial<MediaRecording> = result
      ? {
          status: 'completed',
          duration: Math.max(1, Math.round(result.durationSec)),
          mediaSize: result.size,
          dateUpdated: this.ctx.clock(),
        }
      : { status: 'failed', dateUpdated: this.ctx.clock() };
    const updated = await this.ctx.store.mediaRecordings.update(sid, patch);
    if (!updated) throw ApiError.notFound(`/v1/MediaRecordings/${sid}`);
    if (result) {
      this.ctx.logger.info(
        { mediaRecordingSid: sid, duration: updated.duration, mediaSize: updated.mediaSize, pieces: result.pieces },
        'media recording completed',
      );
      this.notify(updated, 'media-recording-completed', { MediaUri: `/v1/MediaRecordings/${sid}/Media`, EndedReason: endedReason });
    } else {
      this.notify(updated, 'media-recording-failed', { ErrorMessage: failure, EndedReason: endedReason });
    }
    this.opts.onFinished?.(result ? 'completed' : 'failed');
    return updated;
  }

  private notify(rec: MediaRecording, event: string, extra: Record<string, string | undefined> = {}): void {
    notify(this.ctx, rec, rec.processorSid, event, {
      MediaRecordingSid: rec.sid,
      MediaProcessorSid: rec.processorSid,
      SourceSid: rec.sourceSid,
      Status: rec.status,
      Format: rec.format,
      Resolution: rec.resolution,
      Duration: rec.duration,
      MediaSize: rec.mediaSize,
      ...extra,
    });
  }
}

const stillProcessing = (rec: MediaRecording, what: string) =>
  new ApiError(
    409,
    ErrorCode.Conflict,
    `MediaRecording ${rec.sid} is still processing and cannot be ${what} yet: end MediaProcessor ${rec.processorSid} and wait for status completed`,
  );

/** The room's SID when `nameOrSid` is one (used as given, like the composer's join). */
export const roomSidIfSid = (nameOrSid: string) => (isSid(SidPrefix.Room, nameOrSid) ? nameOrSid : undefined);
