/**
 * Uploads a finished recording file from a worker to the origin's data dir:
 * `PUT <originUrl>/origin/recordings/<KV>/<name>` (ingest.ts), the file streamed from disk,
 * HTTP Basic auth. Retries with backoff while the origin is away (no answer, 5xx, 429), up
 * to `deadlineMs`; 401/403 → ERR_ORIGIN_REFUSED, other 4xx and the deadline → ERR_ORIGIN_UNREACHABLE.
 */
import { createReadStream } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { PlayerStreamerError } from '../errors.js';
import { ORIGIN_PATH, isRecordingFileName, isRecordingSid } from './names.js';
import { basicAuthorization } from './origin-request.js';

export interface UploadRecordingOptions {
  originUrl: string;
  apiKeySid: string;
  apiSecret: string;
  mediaRecordingSid: string;
  /** `media.mp4` or `piece-NNNNNN.mp4` */
  name: string;
  /** the local file to send */
  path: string;
  /** give up after this long, ms (default 5 minutes) */
  deadlineMs?: number;
}

export const UPLOAD_RECORDING_DEFAULTS = { deadlineMs: 5 * 60_000, minRetryDelayMs: 200, maxRetryDelayMs: 5000 } as const;

export async function uploadRecording(options: UploadRecordingOptions): Promise<void> {
  if (!isRecordingSid(options.mediaRecordingSid)) throw new TypeError(`not a MediaRecording SID: ${options.mediaRecordingSid}`);
  if (!isRecordingFileName(options.name)) throw new TypeError(`not a recording file name: ${options.name}`);
  const base = new URL(options.originUrl);
  const url = new URL(`${base.pathname.replace(/\/$/, '')}${ORIGIN_PATH}/recordings/${options.mediaRecordingSid}/${options.name}`, base);
  const deadline = Date.now() + (options.deadlineMs ?? UPLOAD_RECORDING_DEFAULTS.deadlineMs);
  const authorization = basicAuthorization(options.apiKeySid, options.apiSecret);
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    try {
      const status = await putFile(url, authorization, options.path);
      if (status < 300) return;
      if (status === 401 || status === 403) throw new PlayerStreamerError('ERR_ORIGIN_REFUSED', `the origin refused the recording upload (HTTP ${status})`);
      if (status < 500 && status !== 429 && status !== 408) throw new PlayerStreamerError('ERR_ORIGIN_UNREACHABLE', `the origin did not take ${url.pathname} (HTTP ${status})`);
      reason = `HTTP ${status}`;
    } catch (error) {
      if (error instanceof PlayerStreamerError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error; // the local file is missing: not the origin's fault
      reason = error instanceof Error ? error.message : String(error);
    }
    const delay = Math.min(UPLOAD_RECORDING_DEFAULTS.maxRetryDelayMs, UPLOAD_RECORDING_DEFAULTS.minRetryDelayMs * 2 ** Math.min(attempt - 1, 10));
    if (Date.now() + delay > deadline) throw new PlayerStreamerError('ERR_ORIGIN_UNREACHABLE', `uploading ${url.pathname} failed until the deadline: ${reason}`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

function putFile(url: URL, authorization: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'PUT', headers: { Authorization: authorization, 'Content-Type': 'video/mp4', 'Transfer-Encoding': 'chunked' } });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    pipeline(createReadStream(path), req).catch((error: unknown) => {
      req.destroy();
      reject(error);
    });
  });
}
