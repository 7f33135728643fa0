import { describe, expect, test, vi } from 'vitest';
import { retryDelay, waitForPlaylist } from './wait-for-playlist.js';

const notYet = () => new Response(JSON.stringify({ code: 20404, message: 'no segment yet' }), { status: 404 });
const opts = (fetchImpl: unknown, extra = {}) => ({
  fetch: fetchImpl as typeof fetch,
  signal: new AbortController().signal,
  retryDelay: 1,
  maxRetryDelay: 2,
  ...extra,
});

describe('waitForPlaylist', () => {
  test('retries 404 (20404) and network failures until the playlist answers', async () => {
    const answers = [notYet, () => Promise.reject(new TypeError('blip')), notYet, () => new Response('#EXTM3U')];
    const fetchImpl = vi.fn(async () => answers.shift()!());
    await waitForPlaylist('https://s/p/index.m3u8', opts(fetchImpl));
    expect(fetchImpl).toHaveBeenCalledTimes(4);
  });

  test('a refusal rejects with the server code and message', async () => {
    const refused = async () => new Response(JSON.stringify({ code: 20403, message: 'session lapsed' }), { status: 403 });
    await expect(waitForPlaylist('https://s/p', opts(refused))).rejects.toMatchObject({ code: 20403, message: 'session lapsed' });
  });

  test('gives up after maxAttempts with 20404', async () => {
    const fetchImpl = vi.fn(async () => notYet());
    await expect(waitForPlaylist('https://s/p', opts(fetchImpl, { maxAttempts: 2 }))).rejects.toMatchObject({ code: 20404 });
    expect(fetchImpl).toHaveBeenCalledTimes(2);
  });

  test('stops when aborted', async () => {
    const abort = new AbortController();
    const fetchImpl = vi.fn(async () => {
      abort.abort();
      return notYet();
    });
    await expect(waitForPlaylist('https://s/p', opts(fetchImpl, { signal: abort.signal }))).rejects.toMatchObject({ code: 20503 });
    expect(fetchImpl).toHaveBeenCalledOnce();
  });

  test.each([
    [0, 500],
    [1, 1000],
    [2, 2000],
    [10, 2000],
  ])('retry %i waits %i ms', (attempt, ms) => {
    expect(retryDelay(attempt, 500, 2000)).toBe(ms);
  });
});
