// @onair/player-streamer: HLS origin side. This module: the HLS packager (fMP4 from
// ffmpeg's stdout → init/segment files + a live playlist) and the ISO-BMFF reader under it.
// Also the playback origin (grant-gated sessions, playlists and segments) and stream retention.
export { PlayerStreamerError, Mp4ParseError } from './errors.js';
export type { PlayerStreamerErrorCode, Mp4ErrorCode, HlsErrorCode, OriginPushErrorCode, Mp4ErrorContext } from './errors.js';
export type { ListenerErrorHandler } from '@onair/protocol';

export { HlsPackager } from './hls/packager.js';
export { PackagerInput } from './hls/input.js';
export type { InputState } from './hls/input.js';
export type { HlsPackagerEvents, SegmentInfo, PartInfo, InputSummary, PackagerState } from './hls/events.js';
export { HLS_PACKAGER_DEFAULTS, defaultPlaylistTargetDuration } from './hls/options.js';
export type { HlsPackagerOptions } from './hls/options.js';
export { PLAYLIST_FILE, initFileName, segmentFileName, partFileName, isGeneratedName, HlsDirectory } from './hls/files.js';
export type { HlsDirectoryOptions } from './hls/files.js';
export type { PackagerStore } from './hls/store.js';
export { SNAPSHOT_FILE, parseSnapshot, serializeSnapshot } from './hls/snapshot.js';
export type { PackagerSnapshot, SnapshotSegment, SnapshotPart } from './hls/snapshot.js';
export { renderPlaylist, formatDuration } from './hls/playlist.js';
export type { PlaylistModel, PlaylistSegment } from './hls/playlist.js';

export { BoxSplitter, DEFAULT_MAX_BOX_SIZE } from './mp4/box-splitter.js';
export type { Mp4Box, BoxSplitterOptions, SplitterEnd } from './mp4/box-splitter.js';
export { FragmentedStream } from './mp4/fragmented-stream.js';
export type { Fragment, InitSection, StreamItem } from './mp4/fragmented-stream.js';
export { parseMoov, primaryTrack } from './mp4/moov.js';
export type { MovieInfo, TrackInfo, TrackKind, SampleDefaults } from './mp4/moov.js';
export { parseMoof, TFHD, TRUN } from './mp4/moof.js';
export type { MovieFragment, TrackFragment, TrackFragmentHeader, TrackRun, TrackRunSample } from './mp4/moof.js';
export { summarizeFragment, resolveSamples } from './mp4/fragment-summary.js';
export type { FragmentSummary, TrackFragmentSummary, ResolvedSample } from './mp4/fragment-summary.js';
export { decodeSampleFlags, isSyncSample } from './mp4/sample-flags.js';
export type { SampleFlags } from './mp4/sample-flags.js';

export { PlaybackOrigin } from './playback/origin.js';
export type { PlaybackRequest } from './playback/origin.js';
export { PLAYBACK_ORIGIN_DEFAULTS } from './playback/options.js';
export type { PlaybackOriginOptions, StreamerInfo, PublicJwk, GrantKeys } from './playback/options.js';
export { PlaybackRefusal } from './playback/refusal.js';
export { PLAYBACK_BUDGET_DEFAULTS } from './playback/budgets.js';
export type { PlaybackBudgetOptions, PlaybackBudgetName } from './playback/budgets.js';
export { heldMs } from './playback/hold.js';
export { SessionTokens, MIN_SESSION_KEY_BYTES } from './playback/session-token.js';
export type { SessionClaims } from './playback/session-token.js';
export { ViewerSessions } from './playback/viewer-sessions.js';
export type { ViewerSessionsEvents, ViewerSessionsOptions } from './playback/viewer-sessions.js';
export { StreamRetention } from './playback/retention.js';
export type { StreamRetentionOptions } from './playback/retention.js';
export { isServableName, isStreamerSid, streamFilePath, streamerDir } from './playback/stream-files.js';
export { sealPlaylistText, sealStalePlaylists } from './playback/seal-playlists.js';
export type { SealOptions } from './playback/seal-playlists.js';

// Media reaches the origin over HTTP (issue 15): the origin's push endpoint and the workers' store.
export { createOriginIngest, ORIGIN_INGEST_DEFAULTS } from './origin-push/ingest.js';
export type { OriginIngest, OriginIngestOptions } from './origin-push/ingest.js';
export { ORIGIN_PATH, isPushableStreamFile, isRecordingFileName, isRecordingSid } from './origin-push/names.js';
export { HttpPushStore, HTTP_PUSH_STORE_DEFAULTS } from './origin-push/push-store.js';
export type { HttpPushStoreOptions, HttpPushStoreEvents } from './origin-push/push-store.js';
export { uploadRecording, UPLOAD_RECORDING_DEFAULTS } from './origin-push/upload-recording.js';
export type { UploadRecordingOptions } from './origin-push/upload-recording.js';
