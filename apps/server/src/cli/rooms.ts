/** `onair rooms create|list|get|end`: Video Rooms over /v1/Rooms. */
import { RoomStatuses, RoomTypes } from '@onair/protocol';
import { choiceOption, integerOption, type CommandGroup } from './command.js';
import type { Output } from './output.js';
import type { Json } from './rest-client.js';

const roomPath = (room: string) => `/v1/Rooms/${encodeURIComponent(room)}`;

function printRoom(out: Output, room: Json, extra: [string, unknown][] = []): void {
  out.record([
    ['sid', room.sid],
    ['name', room.unique_name],
    ['status', room.status],
    ['type', room.type],
    ['max participants', room.max_participants],
    ['created', room.date_created],
    ['ended', room.end_time],
    ['duration', room.duration != null ? `${String(room.duration)} s` : undefined],
    ...extra,
  ]);
}

export const roomsCommands: CommandGroup = {
  name: 'rooms',
  summary: 'onair rooms — create, list, inspect and end Video Rooms',
  commands: {
    create: {
      synopsis: 'create <name> [--type group|go|peer-to-peer] [--max-participants N]',
      summary: 'Creates a room with that unique name.',
      args: ['name'],
      options: { type: { type: 'string' }, 'max-participants': { type: 'string' } },
      async run({ client, out }, [name], values) {
        const room = await client.post('/v1/Rooms', {
          UniqueName: name,
          Type: choiceOption(values, 'type', RoomTypes),
          MaxParticipants: integerOption(values, 'max-participants'),
        });
        if (out.json) return out.printJson(room);
        printRoom(out, room);
      },
    },
    list: {
      synopsis: 'list [--status in-progress|completed]',
      summary: 'Lists rooms.',
      args: [],
      options: { status: { type: 'string' } },
      async run({ client, out }, _args, values) {
        const rooms = await client.list('/v1/Rooms', { Status: choiceOption(values, 'status', RoomStatuses) });
        if (out.json) return out.printJson(rooms);
        out.table(
          ['SID', 'NAME', 'STATUS', 'TYPE', 'CREATED'],
          rooms.map((r) => [r.sid, r.unique_name, r.status, r.type, r.date_created]),
          'No rooms.',
        );
      },
    },
    get: {
      synopsis: 'get <name|RM sid>',
      summary: 'Shows one room and how many participants are connected.',
      args: ['room'],
      async run({ client, out }, [room]) {
        const json = await client.get(roomPath(room!));
        const participants = await client.list(`${roomPath(String(json.sid))}/Participants`, { Status: 'connected' });
        if (out.json) return out.printJson(json);
        printRoom(out, json, [['participants', `${participants.length} connected`]]);
      },
    },
    end: {
      synopsis: 'end <name|RM sid>',
      summary: 'Ends the room (Status=completed); its participants are disconnected.',
      args: ['room'],
      async run({ client, out }, [room]) {
        const json = await client.post(roomPath(room!), { Status: 'completed' });
        if (out.json) return out.printJson(json);
        printRoom(out, json);
      },
    },
  },
};
