/** Where a server keeps media in its data dir. SIDs must be checked ones (VJ…, KV…). */
import { join } from 'node:path';

/** A PlayerStreamer's HLS files. */
export const streamDir = (dataDir: string, streamerSid: string) => join(dataDir, 'streams', streamerSid);

/** A MediaRecording's pieces and its final MP4. */
export const recordingDir = (dataDir: string, recordingSid: string) => join(dataDir, 'recordings', recordingSid);
