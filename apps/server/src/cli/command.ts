/**
 * The operator command groups (`onair rooms|streams|grants …`): one table of subcommands
 * per group, parsed with node:util parseArgs; the shared flags (--url, --data-dir,
 * --json, --help) are added to every subcommand.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { RestClient } from './rest-client.js';
import type { Output } from './output.js';

/** Bad command line: exit 2 with the usage text. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
  }
}

export type OptionValues = Record<string, string | boolean | undefined>;

export interface CommandContext {
  client: RestClient;
  out: Output;
  /** The Account SID from ONAIR_ACCOUNT_SID or the credentials file, when known. */
  accountSid: string | undefined;
  apiKeySid: string;
  apiSecret: string;
}

export interface Command {
  /** e.g. `create <name> [--type group|go|peer-to-peer] [--max-participants N]` */
  synopsis: string;
  summary: string;
  /** names of the positional arguments, all required */
  args: string[];
  options?: NonNullable<ParseArgsConfig['options']>;
  run(ctx: CommandContext, args: string[], values: OptionValues): Promise<void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Record<string, Command>;
}

export const COMMON_OPTIONS = {
  url: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const COMMON_HELP = `Common options:
  --url <url>         the onair server           ONAIR_URL       (default http://localhost:8080)
  --data-dir <dir>    where credentials.json is  ONAIR_DATA_DIR  (default .onair)
  --json              print the REST JSON
  -h, --help          show this help
Credentials: ONAIR_API_KEY and ONAIR_API_SECRET, else <data-dir>/credentials.json.`;

export function groupUsage(group: CommandGroup): string {
  const lines = Object.values(group.commands).map((c) => `  onair ${group.name} ${c.synopsis}\n      ${c.summary}`);
  return `${group.summary}\n\nUsage:\n${lines.join('\n')}\n\n${COMMON_HELP}`;
}

export function commandUsage(group: CommandGroup, command: Command): string {
  return `Usage: onair ${group.name} ${command.synopsis}\n\n${command.summary.replace(/\n\s+/g, '\n')}\n\n${COMMON_HELP}`;
}

export interface ParsedCommand {
  args: string[];
  values: OptionValues;
}

/** Parses one subcommand's arguments; undefined for --help. */
export function parseCommand(group: CommandGroup, command: Command, argv: string[]): ParsedCommand | undefined {
  const usage = commandUsage(group, command);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: { ...COMMON_OPTIONS, ...command.options } });
  } catch (err) {
    throw new UsageError((err as Error).message, usage);
  }
  const values = parsed.values as OptionValues;
  if (values.help) return undefined;
  const { positionals } = parsed;
  if (positionals.length < command.args.length) {
    throw new UsageError(`missing argument <${command.args[positionals.length]}>`, usage);
  }
  if (positionals.length > command.args.length) {
    throw new UsageError(`unexpected argument '${positionals[command.args.length]}'`, usage);
  }
  return { args: positionals, values };
}

/** A string option's value, when given. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A whole-number option (digits only); the server checks the range. */
export function integerOption(values: OptionValues, name: string): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number (got '${v}')`);
  return Number(v);
}

/** An option limited to a few values. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[]): T | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${v}')`);
  }
  return v as T;
}
