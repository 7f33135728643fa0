/**
 * What travels through Redis between the API side and the workers: the queued job's data,
 * job events (a stream entry each), progress reports (pub/sub) and control requests.
 */
import type { IngestStatus, JobFailureReason, MediaJobEvents, MediaJobSpec } from '@onair/protocol';

/** The data of a BullMQ job: the spec plus what must survive a hand-over. */
export interface QueuedJob {
  spec: MediaJobSpec;
  /** epoch ms of every restart so far (Chromium, ffmpeg, ingest, worker), on any worker */
  restarts: number[];
  /** how many times a worker started this job (> 0 when a worker takes it: a hand-over) */
  starts: number;
}

/** Events that go through the stream: all but progress (lossy, pub/sub). */
export type StreamEventName = Exclude<keyof MediaJobEvents, 'progress'>;
export const STREAM_EVENTS: readonly StreamEventName[] = [
  'outputStarted',
  'restarted',
  'failed',
  'recordingClosed',
  'assigned',
  'closed',
];

export interface JobEvent {
  sid: string;
  name: StreamEventName;
  args: unknown[];
}

/** XADD field list of one event. */
export function encodeEvent(sid: string, name: StreamEventName, args: readonly unknown[]): string[] {
  return ['s', sid, 'e', name, 'a', JSON.stringify(args)];
}

/** A stream entry's fields back to an event; undefined when it is not one of ours. */
export function decodeEvent(fields: readonly string[]): JobEvent | undefined {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const sid = map.get('s');
  const name = map.get('e') as StreamEventName | undefined;
  const raw = map.get('a');
  if (!sid || !name || !STREAM_EVENTS.includes(name) || raw === undefined) return undefined;
  try {
    const args: unknown = JSON.parse(raw);
    return Array.isArray(args) ? { sid, name, args } : undefined;
  } catch {
    return undefined;
  }
}

export interface ProgressMessage {
  sid: string;
  status: IngestStatus;
}

export type ControlOp = 'stop' | 'endOutput' | 'endRecording';

/** API side → the worker running the job. */
export interface ControlRequest {
  id: string;
  replyTo: string;
  sid: string;
  op: ControlOp;
  /** the streamer SID (endOutput) or the reason (endRecording) */
  arg?: string;
}

/** worker → API side. `running: false`: the job does not run there (it applies the request when it starts). */
export type ControlReply =
  | { id: string; ok: true; running: true; value?: number }
  | { id: string; ok: true; running: false }
  | { id: string; ok: false; error: string };

/** Fields of the per-job hash. */
export const JOB_FIELDS = {
  worker: 'worker',
  stop: 'stop',
  recordingEnded: 'recordingEnded',
  /** prefix of one field per ended output */
  endedOutput: 'ended:',
} as const;

/** How a failed job's reason travels in BullMQ's failedReason. */
export function encodeFailure(reason: JobFailureReason, message: string): string {
  return JSON.stringify({ reason, message });
}

export function decodeFailure(failedReason: string | undefined): { reason: JobFailureReason; message: string } {
  const reasons: JobFailureReason[] = ['error-loading-extension', 'error-streaming-media', 'internal-service-error'];
  try {
    const parsed = JSON.parse(failedReason ?? '') as { reason?: unknown; message?: unknown };
    if (reasons.includes(parsed.reason as JobFailureReason) && typeof parsed.message === 'string') {
      return { reason: parsed.reason as JobFailureReason, message: parsed.message };
    }
  } catch {
    // not ours (BullMQ's own reasons, e.g. a job stalled too often)
  }
  return { reason: 'internal-service-error', message: failedReason ?? 'the job failed' };
}
