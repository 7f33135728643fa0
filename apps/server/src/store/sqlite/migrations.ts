/**
 * Versioned schema migrations. Append only: a released migration never changes; a new
 * version is added instead. Each runs in its own transaction and is recorded in
 * `schema_migrations`.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const CALLBACK = `status_callback TEXT, status_callback_method TEXT NOT NULL DEFAULT 'POST'`;
const BASE = `sid TEXT PRIMARY KEY, account_sid TEXT NOT NULL,
  date_created INTEGER NOT NULL, date_updated INTEGER NOT NULL`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE rooms (${BASE}, ${CALLBACK},
  unique_name TEXT NOT NULL, status TEXT NOT NULL, type TEXT NOT NULL,
  enable_turn INTEGER NOT NULL, max_participants INTEGER NOT NULL,
  max_participant_duration INTEGER NOT NULL, max_concurrent_published_tracks INTEGER,
  record_participants_on_connect INTEGER NOT NULL, video_codecs TEXT NOT NULL,
  media_region TEXT NOT NULL, audio_only INTEGER NOT NULL,
  empty_room_timeout INTEGER NOT NULL, unused_room_timeout INTEGER NOT NULL,
  large_room INTEGER NOT NULL, recording_rules TEXT, end_time INTEGER);
CREATE UNIQUE INDEX rooms_in_progress_unique_name ON rooms(unique_name) WHERE status = 'in-progress';
CREATE INDEX rooms_created ON rooms(date_created, sid);
CREATE INDEX rooms_unique_name ON rooms(unique_name, date_created);

CREATE TABLE participants (${BASE},
  room_sid TEXT NOT NULL REFERENCES rooms(sid), identity TEXT NOT NULL, status TEXT NOT NULL,
  start_time INTEGER NOT NULL, end_time INTEGER);
CREATE INDEX participants_room ON participants(room_sid, date_created, sid);

CREATE TABLE player_streamers (${BASE}, ${CALLBACK},
  video INTEGER NOT NULL, status TEXT NOT NULL, ended_reason TEXT, max_duration INTEGER NOT NULL);
CREATE INDEX player_streamers_created ON player_streamers(date_created, sid);

CREATE TABLE playback_grants (${BASE},
  streamer_sid TEXT NOT NULL REFERENCES player_streamers(sid), ttl INTEGER NOT NULL,
  allowed_origins TEXT NOT NULL, playback_url TEXT NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX playback_grants_streamer ON playback_grants(streamer_sid, date_created);

CREATE TABLE media_processors (${BASE}, ${CALLBACK},
  extension TEXT NOT NULL, extension_context TEXT NOT NULL, extension_environment TEXT,
  outputs TEXT NOT NULL, room_name TEXT NOT NULL, status TEXT NOT NULL, ended_reason TEXT,
  max_duration INTEGER NOT NULL);
CREATE INDEX media_processors_created ON media_processors(date_created, sid);

CREATE TABLE media_recordings (${BASE}, ${CALLBACK},
  processor_sid TEXT NOT NULL, source_sid TEXT NOT NULL, status TEXT NOT NULL,
  format TEXT NOT NULL, resolution TEXT NOT NULL, duration INTEGER, media_size INTEGER);
CREATE INDEX media_recordings_created ON media_recordings(date_created, sid);

CREATE TABLE signing_keys (kid TEXT PRIMARY KEY, private_jwk TEXT NOT NULL,
  public_jwk TEXT NOT NULL, created_at INTEGER NOT NULL);
`,
  },
  {
    version: 2,
    name: 'player streamer latency mode',
    // rows from before the column read as the default mode, low
    sql: `ALTER TABLE player_streamers ADD COLUMN latency_mode TEXT NOT NULL DEFAULT 'low';`,
  },
];

/** Applies every migration newer than the database's version; returns the versions applied. */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
  if (current > latest) {
    throw new Error(
      `the database schema is version ${current}, newer than this onair build knows (${latest}); upgrade onair`,
    );
  }
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
    })();
    applied.push(m.version);
  }
  return applied;
}
