import { describe, expect, test } from 'vitest';
import { connectDefaults, resolveConnectOptions } from './defaults.js';
import { DefaultReconnectPolicy } from './reconnect/reconnect-policy.js';

const FakeWebSocket = class {} as unknown as typeof WebSocket;
const env = { origin: 'https://onair.example', WebSocket: FakeWebSocket };

describe('resolveConnectOptions', () => {
  test('defaults', () => {
    const options = resolveConnectOptions({}, env);
    expect(options).toMatchObject({
      signalingUrl: 'wss://onair.example/signaling',
      audio: true,
      video: true,
      hidden: false,
      connectTimeout: 15_000,
      dominantSpeaker: true,
      WebSocket: FakeWebSocket,
      publishTimeout: connectDefaults.publishTimeout,
    });
    expect(options.reconnectPolicy).toBeInstanceOf(DefaultReconnectPolicy);
    expect(options.name).toBeUndefined();
  });

  test('hidden participants capture nothing unless asked', () => {
    expect(resolveConnectOptions({ hidden: true }, env)).toMatchObject({ audio: false, video: false });
    expect(resolveConnectOptions({ hidden: true, audio: true }, env)).toMatchObject({ audio: true, video: false });
  });

  test('explicit values win', () => {
    const policy = { nextRetryDelayInMs: () => null };
    const options = resolveConnectOptions(
      { serverUrl: 'http://localhost:8080', name: 'r', video: { width: 640 }, connectTimeout: 2000, dominantSpeaker: false, reconnectPolicy: policy },
      env,
    );
    expect(options).toMatchObject({
      signalingUrl: 'ws://localhost:8080/signaling',
      name: 'r',
      video: { width: 640 },
      connectTimeout: 2000,
      reconnectAttemptTimeout: 2000,
      dominantSpeaker: false,
      reconnectPolicy: policy,
    });
  });

  test.each([
    [{}, { origin: undefined, WebSocket: FakeWebSocket }, /serverUrl/],
    [{}, { origin: 'https://x', WebSocket: undefined }, /WebSocket/],
    [{ connectTimeout: 0 }, env, /connectTimeout/],
    [{ connectTimeout: Number.NaN }, env, /connectTimeout/],
    [{ serverUrl: 'ftp://x' }, env, /http/],
    [{ tracks: 'x' }, env, /tracks/],
  ])('rejects %j', (options, environment, message) => {
    expect(() => resolveConnectOptions(options as never, environment)).toThrow(message);
  });
});
