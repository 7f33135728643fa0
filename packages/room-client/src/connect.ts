import type { ConnectOptions, InternalConnectOptions } from './defaults.js';
import { resolveConnectOptions } from './defaults.js';
import { Room } from './room/room.js';
import { createLocalTracks } from './track/create-local-tracks.js';
import { toLocalTrack } from './track/to-local-track.js';
import type { LocalMediaTrackKind, LocalTrack } from './track/track-types.js';

/**
 * Joins a room with an access token and resolves with the connected {@link Room}.
 *
 * Unless `tracks` is given, the camera and microphone are captured first (and stopped by
 * the SDK when the room disconnects). Rejects with a RoomError when the server refuses
 * (token errors 2010x, 53105 room full, 53118 completed, 53205 duplicate identity, …) or
 * does not answer within `connectTimeout` (53000); with getUserMedia's DOMException when
 * capture fails; with a TypeError for invalid arguments.
 */
export async function connect(token: string, options: ConnectOptions = {}): Promise<Room> {
  if (typeof token !== 'string' || token === '') throw new TypeError('token must be a non-empty string');
  const resolved = resolveConnectOptions(options);
  const { tracks, owned } = await acquireTracks(resolved);
  try {
    const room = new Room(token, resolved, tracks, owned);
    await room._connect();
    return room;
  } catch (error) {
    for (const track of owned) track.stop();
    throw error;
  }
}

async function acquireTracks(
  options: InternalConnectOptions,
): Promise<{ tracks: LocalTrack[]; owned: LocalMediaTrackKind[] }> {
  if (options.tracks) return { tracks: options.tracks.map((track) => toLocalTrack(track)), owned: [] };
  if (!options.audio && !options.video) return { tracks: [], owned: [] };
  const owned = await createLocalTracks({ audio: options.audio, video: options.video });
  return { tracks: owned, owned };
}
