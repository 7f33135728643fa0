import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { UsageError } from './command.js';
import { ConnectionConfigError, DEFAULT_URL, resolveConnection } from './connection.js';

const stored = { accountSid: 'AC' + 'a'.repeat(32), apiKeySid: 'SK' + 'b'.repeat(32), apiSecret: 'file-secret-xxxxxxxx', authToken: 't'.repeat(32) };

function dataDir(contents?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'onair-cli-conn-'));
  if (contents !== undefined) writeFileSync(join(dir, 'credentials.json'), contents);
  return dir;
}

describe('resolveConnection', () => {
  test('defaults: localhost:8080 and the data dir credentials file', () => {
    const dir = dataDir(JSON.stringify(stored));
    expect(resolveConnection({ dataDir: dir }, {})).toEqual({
      url: DEFAULT_URL,
      apiKeySid: stored.apiKeySid,
      apiSecret: stored.apiSecret,
      accountSid: stored.accountSid,
    });
  });

  test('ONAIR_DATA_DIR is relative to cwd; --data-dir wins over it', () => {
    const dir = dataDir(JSON.stringify(stored));
    expect(resolveConnection({}, { ONAIR_DATA_DIR: '.' }, dir).apiKeySid).toBe(stored.apiKeySid);
    expect(() => resolveConnection({ dataDir: dataDir() }, { ONAIR_DATA_DIR: dir })).toThrow(ConnectionConfigError);
  });

  test('env credentials need no file; --url wins over ONAIR_URL; trailing slashes go', () => {
    const env = { ONAIR_URL: 'http://a.example:1/', ONAIR_API_KEY: 'SK' + 'c'.repeat(32), ONAIR_API_SECRET: 'env-secret-yyyyyyyy' };
    const c = resolveConnection({ dataDir: dataDir() }, env);
    expect(c).toMatchObject({ url: 'http://a.example:1', apiKeySid: env.ONAIR_API_KEY, apiSecret: env.ONAIR_API_SECRET });
    expect(resolveConnection({ url: 'https://b.example/', dataDir: dataDir() }, env).url).toBe('https://b.example');
  });

  test('an env value wins over the file, the file fills the rest', () => {
    const dir = dataDir(JSON.stringify(stored));
    const c = resolveConnection({ dataDir: dir }, { ONAIR_API_SECRET: 'env-secret-zzzzzzzz' });
    expect(c).toMatchObject({ apiKeySid: stored.apiKeySid, apiSecret: 'env-secret-zzzzzzzz' });
  });

  test.each([
    ['no file', undefined, /no credentials: set ONAIR_API_KEY and ONAIR_API_SECRET/],
    ['not JSON', '{"apiSecret": "hunter2-hunter2"', /is not valid JSON$/],
    ['no key', JSON.stringify({ apiSecret: 'x' }), /has no apiKeySid and apiSecret/],
  ])('%s: a ConnectionConfigError that never quotes the file', (_name, contents, message) => {
    const run = () => resolveConnection({ dataDir: dataDir(contents) }, {});
    expect(run).toThrow(ConnectionConfigError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  test.each(['localhost:8080', 'ftp://x.example', 'not a url'])('url %s is a usage error', (url) => {
    expect(() => resolveConnection({ url, dataDir: dataDir(JSON.stringify(stored)) }, {})).toThrow(UsageError);
  });
});
