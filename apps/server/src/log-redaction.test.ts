import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { createLogger } from './logger.js';
import { redactDeep, redactText } from './log-redaction.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImN0eSI6InR3aWxpby1mcGE7dj0xIn0.eyJqdGkiOiJTSzEyMy0xIiwiZ3JhbnRzIjp7fX0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';
const INGEST_SECRET = 'ingest-secret-4f1c2a9b7d';
const COMPOSER_URL = `http://127.0.0.1:43123/composer/#${encodeURIComponent(
  JSON.stringify({ token: JWT, room: 'RM1', ingestUrl: 'ws://127.0.0.1:43123/internal/ingest/ZX1', ingestSecret: INGEST_SECRET }),
)}`;

describe('redactText', () => {
  test.each([
    ['a JWT on its own', `token is ${JWT}.`, [JWT]],
    ['a URL fragment (the composer page URL)', `net::ERR_ABORTED at ${COMPOSER_URL}`, [JWT, INGEST_SECRET, '%7B']],
    ['a token query parameter', 'GET /embed/player?latency=low&token=abc.def-ghi HTTP/1.1', ['abc.def-ghi']],
    ['a secret-named fragment parameter', 'http://x/y#a=1&ingestSecret=s3cr3t', ['s3cr3t']],
    ['an access_token parameter', 'see https://h/p?access_token=zzz123', ['zzz123']],
    ['a JSON field', '{"apiSecret":"hunter2-hunter2","room":"a"}', ['hunter2-hunter2']],
    ['an escaped JSON field', '{\\"authToken\\":\\"0123456789abcdef\\"}', ['0123456789abcdef']],
    ['a token= at the start of a quoted message', '"token=abcdef"', ['abcdef']],
    ['Basic credentials', 'authorization: Basic U0sxMjM6c2VjcmV0c2VjcmV0', ['U0sxMjM6c2VjcmV0c2VjcmV0']],
  ])('%s', (_name, text, secrets) => {
    const out = redactText(text);
    for (const secret of secrets) expect(out).not.toContain(secret);
    expect(out).toContain('[redacted]');
    expect(redactText(out)).toBe(out); // idempotent
  });

  test.each([
    'onair listening on 127.0.0.1:8080',
    'GET /v1/Rooms 200 3 ms',
    'room RM0123456789abcdef0123456789abcdef ended (participants=3)',
    'http://127.0.0.1:8080/composer/ loaded',
  ])('leaves ordinary text alone: %s', (text) => {
    expect(redactText(text)).toBe(text);
  });

  test('redactDeep copies plain objects and arrays, redacting their strings, and leaves other objects', () => {
    const date = new Date(0);
    const input = { a: [`x ${JWT}`], b: { c: COMPOSER_URL }, d: date, n: 1 };
    const out = redactDeep(input) as typeof input;
    expect(JSON.stringify(out)).not.toContain(JWT);
    expect(out.d).toBe(date);
    expect(out.n).toBe(1);
    expect(input.a[0]).toContain(JWT); // the input is not changed
  });
});

describe('the server logger', () => {
  function capture() {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    return { logger: createLogger('debug', stream), lines };
  }

  test('an error whose message and stack quote the composer URL is logged without its fragment or token', () => {
    const { logger, lines } = capture();
    const err = Object.assign(new Error(`Navigation to ${COMPOSER_URL} failed`), { url: COMPOSER_URL });
    logger.error({ err, mediaProcessorSid: 'ZX1' }, 'composer failed');
    logger.error(err); // pino takes the message from the error
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      const parsed = JSON.parse(line);
      expect(line).not.toContain(JWT);
      expect(line).not.toContain(INGEST_SECRET);
      expect(parsed.err.message).toContain('http://127.0.0.1:43123/composer/#[redacted]');
      expect(parsed.err.url).toBe('http://127.0.0.1:43123/composer/#[redacted]');
      expect(parsed.err.stack).toContain('[redacted]');
    }
  });

  test('messages, format arguments and plain fields lose tokens and secrets', () => {
    const { logger, lines } = capture();
    logger.warn({ detail: `could not load ${COMPOSER_URL}` }, 'standby failed at %s', `/playback?token=${JWT}`);
    logger.info(`viewer token ${JWT}`);
    logger.info({ token: 'abc', nested: { apiSecret: 'def' } }, 'fields');
    for (const line of lines) {
      JSON.parse(line);
      expect(line).not.toContain(JWT);
      expect(line).not.toContain(INGEST_SECRET);
      expect(line).not.toMatch(/"abc"|"def"/);
    }
  });
});
