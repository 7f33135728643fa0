/** Programmatic entry points (used by tests and by embedders). */
export { OnairServer } from './server.js';
export type { OnairServerOptions } from './server.js';
export { SqliteStore } from './store/sqlite/store.js';
export type { Store } from './store/repository.js';
export type { Room, Participant, PlayerStreamer, PlaybackGrant, MediaProcessor, MediaRecording } from './store/records.js';
export { resolveCredentials, generateCredentials } from './config/credentials.js';
export type { Credentials } from './config/credentials.js';
export { readServeConfig } from './config/serve-config.js';
export { createLogger } from './logger.js';
