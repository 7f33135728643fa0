/** The SQLite implementation of the store (better-sqlite3, WAL, versioned migrations). */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { StoredSigningKey } from '../records.js';
import type { Repository, RoomRepository, Store, StoreTx, TableTx } from '../repository.js';
import { migrate } from './migrations.js';
import {
  mediaProcessorSpec,
  mediaRecordingSpec,
  participantSpec,
  playbackGrantSpec,
  playerStreamerSpec,
  roomSpec,
} from './specs.js';
import { Table } from './table.js';

/** Exposes a synchronous Table through the async Repository contract. */
function repository<T extends { sid: string }, F>(table: TableTx<T, F>): Repository<T, F> {
  return {
    insert: async (r) => table.insert(r),
    get: async (sid) => table.get(sid),
    update: async (sid, patch) => table.update(sid, patch),
    list: async (q) => table.list(q),
    remove: async (sid) => table.remove(sid),
  };
}

export class SqliteStore implements Store {
  readonly rooms: RoomRepository;
  readonly participants;
  readonly playerStreamers;
  readonly mediaProcessors;
  readonly mediaRecordings;
  readonly playbackGrants: Store['playbackGrants'];
  readonly signingKeys: Store['signingKeys'];
  private readonly tx: StoreTx;
  private closed = false;

  private constructor(private readonly db: Database.Database) {
    const rooms = new Table(db, roomSpec);
    this.tx = {
      rooms,
      participants: new Table(db, participantSpec),
      playerStreamers: new Table(db, playerStreamerSpec),
      mediaProcessors: new Table(db, mediaProcessorSpec),
      mediaRecordings: new Table(db, mediaRecordingSpec),
    };
    this.rooms = {
      ...repository(rooms),
      findByUniqueName: async (name) =>
        rooms.select(
          'unique_name = ?',
          [name],
          "CASE status WHEN 'in-progress' THEN 0 ELSE 1 END, date_created DESC, sid DESC",
          1,
        )[0],
    };
    this.participants = repository(this.tx.participants);
    this.playerStreamers = repository(this.tx.playerStreamers);
    this.mediaProcessors = repository(this.tx.mediaProcessors);
    this.mediaRecordings = repository(this.tx.mediaRecordings);
    const grants = new Table(db, playbackGrantSpec);
    this.playbackGrants = {
      insert: async (g) => grants.insert(g),
      latestForStreamer: async (sid) => grants.select('streamer_sid = ?', [sid], undefined, 1)[0],
    };
    const listKeys = db.prepare('SELECT * FROM signing_keys ORDER BY created_at DESC');
    const insertKey = db.prepare(
      'INSERT INTO signing_keys (kid, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?)',
    );
    this.signingKeys = {
      list: async () =>
        (listKeys.all() as Record<string, string | number>[]).map(
          (r): StoredSigningKey => ({
            kid: String(r.kid),
            privateJwk: JSON.parse(String(r.private_jwk)),
            publicJwk: JSON.parse(String(r.public_jwk)),
            createdAt: Number(r.created_at),
          }),
        ),
      insert: async (k) => {
        insertKey.run(k.kid, JSON.stringify(k.privateJwk), JSON.stringify(k.publicJwk), k.createdAt);
      },
    };
  }

  /** Opens (creating if needed) the database file and brings its schema up to date. */
  static open(file: string): SqliteStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return new SqliteStore(db);
  }

  async transaction<R>(work: (tx: StoreTx) => R): Promise<R> {
    return this.db.transaction(() => {
      const result = work(this.tx);
      if (isThenable(result)) throw new TypeError('a store transaction must be synchronous: its work returned a promise');
      return result;
    })();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

const isThenable = (value: unknown): boolean =>
  (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
