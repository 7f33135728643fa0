/**
 * What may be pushed to the origin, by name: the files an HlsPackager generates and its
 * snapshot, for a PlayerStreamer (VJ…); the MP4 files of a MediaRecording (KV…). Nothing
 * from a request becomes part of a path unless it matches one of these patterns exactly.
 */
import { isGeneratedName } from '../hls/files.js';
import { SNAPSHOT_FILE } from '../hls/snapshot.js';

export { isStreamerSid } from '../playback/stream-files.js';

export const ORIGIN_PATH = '/origin';

const RECORDING_SID = /^KV[0-9a-f]{32}$/;
/** the finished recording (`media.mp4`) or one of its pieces (`piece-000001.mp4`) */
const RECORDING_FILE = /^(?:media|piece-\d{6})\.mp4$/;

export const isRecordingSid = (value: string): boolean => RECORDING_SID.test(value);

/** A stream file a packager may push (index.m3u8, init-N.mp4, seg-N.m4s, part-N.m4s, packager.json). */
export const isPushableStreamFile = (name: string): boolean => name === SNAPSHOT_FILE || isGeneratedName(name);

export const isRecordingFileName = (name: string): boolean => RECORDING_FILE.test(name);
