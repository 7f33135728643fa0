import { describe, expect, test, vi } from 'vitest';
import { PlayerError, PlayerErrorCode } from '../errors.js';
import { openPlaybackSession } from './open-session.js';

const tooMany = (headers: Record<string, string> = { 'Retry-After': '42' }) =>
  new Response(JSON.stringify({ code: 20429, message: 'This access token already opened its 10 playback sessions' }), {
    status: 429,
    headers,
  });

describe('openPlaybackSession', () => {
  test('a 429 is a PlayerError 20429 carrying Retry-After, after one request', async () => {
    const fetchImpl = vi.fn(async () => tooMany());
    const error = await openPlaybackSession('https://s/playback/VJ1?token=g', 'tok', fetchImpl as typeof fetch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlayerError);
    expect(error).toMatchObject({ code: PlayerErrorCode.TooManyRequests, retryAfterSeconds: 42, message: expect.stringMatching(/10 playback sessions/) });
    expect(fetchImpl).toHaveBeenCalledOnce();
  });

  test.each([
    [{}, undefined],
    [{ 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }, undefined],
    [{ 'Retry-After': ' 7 ' }, 7],
  ])('Retry-After %j → %s', async (headers, seconds) => {
    const error = await openPlaybackSession('https://s/p', 't', (async () => tooMany(headers)) as typeof fetch).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 20429, retryAfterSeconds: seconds });
  });

  test('a 429 without a body is still 20429', async () => {
    const error = await openPlaybackSession('https://s/p', 't', (async () => new Response('', { status: 429 })) as typeof fetch).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 20429 });
  });

  test('other refusals keep their code and have no retryAfterSeconds', async () => {
    const res = () => new Response(JSON.stringify({ code: 20403, message: 'origin' }), { status: 403, headers: { 'Retry-After': '5' } });
    const error = await openPlaybackSession('https://s/p', 't', (async () => res()) as typeof fetch).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 20403, retryAfterSeconds: undefined });
  });
});
