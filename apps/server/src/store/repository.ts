/**
 * The store's contract. Routes and services only see these interfaces, so another
 * backend (Postgres) can implement them without touching either. Every method is
 * async for that reason, although SQLite answers synchronously.
 */
import type { ListOrder } from '@onair/protocol';
import type {
  MediaProcessor,
  MediaRecording,
  Participant,
  PlaybackGrant,
  PlayerStreamer,
  Room,
  StoredSigningKey,
} from './records.js';

/** Keyset position: the (dateCreated, sid) of the row a page starts after or before. */
export interface Cursor {
  dateCreated: number;
  sid: string;
}

export interface ListQuery<F> {
  filter: F;
  order: ListOrder;
  limit: number;
  /** rows strictly after this cursor in `order` */
  after?: Cursor;
  /** rows strictly before this cursor in `order` */
  before?: Cursor;
  /** plain offset, used when a client asks for Page=N without a PageToken */
  offset?: number;
}

export interface DateRangeFilter {
  dateCreatedAfter?: number;
  dateCreatedBefore?: number;
}

export interface RoomFilter extends DateRangeFilter {
  status?: Room['status'];
  uniqueName?: string;
}
export interface ParticipantFilter extends DateRangeFilter {
  roomSid: string;
  status?: Participant['status'];
  identity?: string;
}
export interface PlayerStreamerFilter {
  status?: PlayerStreamer['status'];
}
export interface MediaProcessorFilter {
  status?: MediaProcessor['status'];
}
export interface MediaRecordingFilter {
  status?: MediaRecording['status'];
  processorSid?: string;
  sourceSid?: string;
}

export interface Repository<T extends { sid: string }, F> {
  insert(record: T): Promise<void>;
  get(sid: string): Promise<T | undefined>;
  /** Applies `patch` and returns the updated record, or undefined when it does not exist. */
  update(sid: string, patch: Partial<T>): Promise<T | undefined>;
  list(query: ListQuery<F>): Promise<T[]>;
  remove(sid: string): Promise<boolean>;
}

export interface RoomRepository extends Repository<Room, RoomFilter> {
  /** The in-progress room with this unique name, else the most recent one. */
  findByUniqueName(uniqueName: string): Promise<Room | undefined>;
}

export interface PlaybackGrantRepository {
  insert(grant: PlaybackGrant): Promise<void>;
  latestForStreamer(streamerSid: string): Promise<PlaybackGrant | undefined>;
}

export interface SigningKeyRepository {
  list(): Promise<StoredSigningKey[]>;
  insert(key: StoredSigningKey): Promise<void>;
}

/** A table as seen inside a transaction: synchronous, so nothing else runs in between. */
export interface TableTx<T extends { sid: string }, F> {
  insert(record: T): void;
  get(sid: string): T | undefined;
  /** Applies `patch` and returns the updated record, or undefined when it does not exist. */
  update(sid: string, patch: Partial<T>): T | undefined;
  list(query: ListQuery<F>): T[];
  remove(sid: string): boolean;
}

/** The tables whose rows change together (one state change writing several rows). */
export interface StoreTx {
  readonly rooms: TableTx<Room, RoomFilter>;
  readonly participants: TableTx<Participant, ParticipantFilter>;
  readonly playerStreamers: TableTx<PlayerStreamer, PlayerStreamerFilter>;
  readonly mediaProcessors: TableTx<MediaProcessor, MediaProcessorFilter>;
  readonly mediaRecordings: TableTx<MediaRecording, MediaRecordingFilter>;
}

export interface Store {
  /**
   * Runs `work` as one transaction: its writes are committed together, or, when it throws,
   * none is (the error is rethrown). `work` is synchronous (no await inside, and it must not
   * return a promise): its reads and writes see no one else's in between, as better-sqlite3's
   * transactions are. Read what it decides on inside it, and announce (events, callbacks,
   * logs) only after it resolves.
   */
  transaction<R>(work: (tx: StoreTx) => R): Promise<R>;
  readonly rooms: RoomRepository;
  readonly participants: Repository<Participant, ParticipantFilter>;
  readonly playerStreamers: Repository<PlayerStreamer, PlayerStreamerFilter>;
  readonly mediaProcessors: Repository<MediaProcessor, MediaProcessorFilter>;
  readonly mediaRecordings: Repository<MediaRecording, MediaRecordingFilter>;
  readonly playbackGrants: PlaybackGrantRepository;
  readonly signingKeys: SigningKeyRepository;
  close(): Promise<void>;
}

/** Thrown when an insert or update violates a uniqueness rule. */
export class StoreConflictError extends Error {
  override readonly name = 'StoreConflictError';
  constructor(
    readonly constraint: string,
    message: string,
  ) {
    super(message);
  }
}
