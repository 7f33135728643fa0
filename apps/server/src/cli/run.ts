/**
 * Runs one operator command (`onair rooms|streams|grants …`) and turns every failure into
 * a message and an exit code: 2 for usage and configuration, 1 for REST errors and an
 * unreachable server. Never a stack trace, never the API secret.
 */
import { ErrorCode } from '@onair/protocol';
import type { Env } from '../config/config-error.js';
import { UsageError, commandUsage, groupUsage, parseCommand, stringOption, type CommandGroup } from './command.js';
import { ConnectionConfigError, resolveConnection } from './connection.js';
import { Output, type Writer } from './output.js';
import { RestClient, RestError, UnreachableError } from './rest-client.js';
import { grantsCommands } from './grants.js';
import { roomsCommands } from './rooms.js';
import { streamsCommands } from './streams.js';

export const OPERATOR_GROUPS: readonly CommandGroup[] = [roomsCommands, streamsCommands, grantsCommands];

export interface CommandIo {
  stdout: Writer;
  stderr: Writer;
  cwd?: string;
}

export async function runOperatorCommand(group: CommandGroup, argv: string[], env: Env, io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.stderr.write(`onair: missing ${group.name} command\n\n${groupUsage(group)}\n`);
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(groupUsage(group) + '\n');
    return 0;
  }
  const command = Object.hasOwn(group.commands, name) ? group.commands[name] : undefined;
  if (!command) {
    io.stderr.write(`onair: unknown ${group.name} command '${name}'\n\n${groupUsage(group)}\n`);
    return 2;
  }
  try {
    const parsed = parseCommand(group, command, rest);
    if (!parsed) {
      io.stdout.write(commandUsage(group, command) + '\n');
      return 0;
    }
    const { values, args } = parsed;
    const conn = resolveConnection({ url: stringOption(values, 'url'), dataDir: stringOption(values, 'data-dir') }, env, io.cwd);
    const client = new RestClient({ baseUrl: conn.url, apiKeySid: conn.apiKeySid, apiSecret: conn.apiSecret });
    const out = new Output(values.json === true, io.stdout);
    await command.run(
      { client, out, accountSid: conn.accountSid, apiKeySid: conn.apiKeySid, apiSecret: conn.apiSecret },
      args,
      values,
    );
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`onair: ${err.message}\n\n${err.usage ?? commandUsage(group, command)}\n`);
      return 2;
    }
    if (err instanceof ConnectionConfigError) {
      io.stderr.write(`onair: ${err.message}\n`);
      return 2;
    }
    if (err instanceof RestError) {
      io.stderr.write(`onair: ${err.message}${err.code !== undefined ? ` (code ${err.code})` : ''}\n`);
      if (err.code === ErrorCode.Authentication) {
        io.stderr.write('The server refused the API key: check ONAIR_API_KEY and ONAIR_API_SECRET, or --data-dir.\n');
      }
      return 1;
    }
    if (err instanceof UnreachableError) {
      io.stderr.write(`onair: ${err.message}\n`);
      return 1;
    }
    // a TokenError or anything unexpected: its message, not its stack
    const e = err as { message?: unknown; code?: unknown };
    const code = typeof e.code === 'string' || typeof e.code === 'number' ? ` (${String(e.code)})` : '';
    io.stderr.write(`onair: ${typeof e.message === 'string' ? e.message : String(err)}${code}\n`);
    return 1;
  }
}
