/** Migrations on a real SQLite file: a database written by an older build opens with its rows intact. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, test } from 'vitest';
import { MIGRATIONS, migrate } from './migrations.js';
import { SqliteStore } from './store.js';

const VJ = 'VJ' + 'a'.repeat(32);
const AC = 'AC' + 'b'.repeat(32);

/** A database file as the build with only the first migration left it, holding one streamer. */
function schemaV1File(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'onair-migrations-')), 'onair.db');
  const db = new Database(file);
  expect(migrate(db, MIGRATIONS.filter((m) => m.version === 1))).toEqual([1]);
  db.prepare(
    `INSERT INTO player_streamers (sid, account_sid, date_created, date_updated, status_callback,
      status_callback_method, video, status, ended_reason, max_duration)
     VALUES (?, ?, 1000, 2000, NULL, 'POST', 1, 'created', NULL, 300)`,
  ).run(VJ, AC);
  db.close();
  return file;
}

describe('migrations', () => {
  test('versions are unique and ascending, so a released one is never rewritten in place', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...new Set(versions)].sort((a, b) => a - b));
  });

  test('a PlayerStreamer stored before latency modes reads as low; new ones keep their mode', async () => {
    const file = schemaV1File();
    const store = SqliteStore.open(file);
    try {
      expect(await store.playerStreamers.get(VJ)).toEqual({
        sid: VJ,
        accountSid: AC,
        dateCreated: 1000,
        dateUpdated: 2000,
        statusCallback: null,
        statusCallbackMethod: 'POST',
        video: true,
        status: 'created',
        endedReason: null,
        maxDuration: 300,
        latencyMode: 'low',
      });
      const standard = { ...(await store.playerStreamers.get(VJ))!, sid: 'VJ' + 'c'.repeat(32), latencyMode: 'standard' as const };
      await store.playerStreamers.insert(standard);
      expect((await store.playerStreamers.get(standard.sid))?.latencyMode).toBe('standard');
      // a status change leaves the mode alone
      const ended = await store.playerStreamers.update(standard.sid, { status: 'ended', endedReason: 'ended-via-api' });
      expect(ended?.latencyMode).toBe('standard');
    } finally {
      await store.close();
    }
    // opening again applies nothing new
    const db = new Database(file);
    expect(migrate(db)).toEqual([]);
    db.close();
  });
});
