import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { sourceFiles } from '../../../test/support/source-files.js';
import * as api from './index.js';
import { version } from './version.js';

const sources = sourceFiles(new URL('.', import.meta.url));

describe('browser-only source', () => {
  test.each(sources)('%s imports only @onair/protocol and local modules', (_file, text) => {
    const specifiers = [...text.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^(@onair\/protocol|(\.\.?\/)+[a-z0-9/-]+\.js)$/);
    expect(text).not.toMatch(/\brequire\(|\bimport\(|\bBuffer\b|\bprocess\.|node:/);
  });

  test.each(sources)('%s stays under 400 lines', (_file, text) => {
    expect(text.split('\n').length).toBeLessThan(400);
  });

  test('index.ts uses explicit named exports only', () => {
    const index = sources.find(([file]) => file === 'index.ts')?.[1] ?? '';
    expect(index).not.toMatch(/export\s+\*/);
  });

  test('runtime exports', () => {
    expect(Object.keys(api).sort()).toStrictEqual(
      [
        'DefaultReconnectPolicy',
        'LocalAudioTrack',
        'LocalDataTrack',
        'LocalParticipant',
        'LocalParticipantEvent',
        'LocalTrackPublication',
        'LocalVideoTrack',
        'ParticipantEvent',
        'RemoteAudioTrack',
        'RemoteDataTrack',
        'RemoteParticipant',
        'RemoteTrackPublication',
        'RemoteVideoTrack',
        'Room',
        'RoomError',
        'RoomErrorCode',
        'RoomEvent',
        'TrackEvent',
        'TypedEmitter',
        'connect',
        'connectDefaults',
        'createLocalTracks',
        'version',
      ].sort(),
    );
    for (const value of Object.values(api)) expect(value).toBeDefined();
  });

  test('version matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(version).toBe(pkg.version);
  });

  test('RoomEvent names are twilio-video.js names', () => {
    expect(Object.values(api.RoomEvent).sort()).toStrictEqual(
      [
        'participantConnected',
        'participantDisconnected',
        'trackSubscribed',
        'trackUnsubscribed',
        'trackPublished',
        'trackUnpublished',
        'trackEnabled',
        'trackDisabled',
        'dominantSpeakerChanged',
        'reconnecting',
        'reconnected',
        'disconnected',
        'trackMessage',
      ].sort(),
    );
  });
});
