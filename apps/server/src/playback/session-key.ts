/** The HMAC key of playback session tokens: 32 random bytes in the data dir (mode 0600), made once. */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_SESSION_KEY_BYTES } from '@onair/player-streamer';

export const SESSION_KEY_FILE = 'playback-session.key';

export function loadSessionKey(dataDir: string): Buffer {
  const path = join(dataDir, SESSION_KEY_FILE);
  try {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64url');
    if (key.length >= MIN_SESSION_KEY_BYTES) return key;
    throw new Error(`${path} holds no valid key; delete it to make a new one (open playback sessions end)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(MIN_SESSION_KEY_BYTES);
  try {
    writeFileSync(path, key.toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    // another process made it first: use theirs
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return loadSessionKey(dataDir);
    throw error;
  }
}
