/**
 * Where the operator commands find the server and its API key: --url / ONAIR_URL, then
 * ONAIR_API_KEY / ONAIR_API_SECRET, and for whatever is missing <data-dir>/credentials.json
 * (--data-dir / ONAIR_DATA_DIR, default .onair). Nothing is generated here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVE_DEFAULTS, type Env } from '../config/serve-config.js';
import { UsageError } from './command.js';

export const DEFAULT_URL = 'http://localhost:8080';

export interface Connection {
  url: string;
  apiKeySid: string;
  apiSecret: string;
  accountSid: string | undefined;
}

/** Missing or unreadable credentials: a configuration problem (exit 2), not a usage one. */
export class ConnectionConfigError extends Error {
  override readonly name = 'ConnectionConfigError';
}

export function resolveConnection(
  flags: { url?: string | undefined; dataDir?: string | undefined },
  env: Env,
  cwd = process.cwd(),
): Connection {
  const url = serverUrl(flags.url ?? (env.ONAIR_URL || DEFAULT_URL), flags.url !== undefined ? '--url' : 'ONAIR_URL');
  let apiKeySid = env.ONAIR_API_KEY || undefined;
  let apiSecret = env.ONAIR_API_SECRET || undefined;
  let accountSid = env.ONAIR_ACCOUNT_SID || undefined;
  if (!apiKeySid || !apiSecret) {
    const file = join(resolve(cwd, flags.dataDir ?? (env.ONAIR_DATA_DIR || SERVE_DEFAULTS.dataDir)), 'credentials.json');
    const stored = readCredentialsFile(file);
    apiKeySid ??= stored.apiKeySid;
    apiSecret ??= stored.apiSecret;
    accountSid ??= stored.accountSid;
    if (!apiKeySid || !apiSecret) throw new ConnectionConfigError(`${file} has no apiKeySid and apiSecret`);
  }
  return { url, apiKeySid, apiSecret, accountSid };
}

function serverUrl(value: string, from: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${from} must be an absolute URL such as http://localhost:8080 (got '${value}')`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${from} must use http or https (got '${value}')`);
  return value.replace(/\/+$/, '');
}

function readCredentialsFile(file: string): { apiKeySid?: string; apiSecret?: string; accountSid?: string } {
  if (!existsSync(file)) {
    throw new ConnectionConfigError(
      `no credentials: set ONAIR_API_KEY and ONAIR_API_SECRET, or point --data-dir (ONAIR_DATA_DIR) at the server's data directory (${file} does not exist)`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // the parser's message may quote the file, secrets included: keep it out
    throw new ConnectionConfigError(`cannot read ${file}: it is not valid JSON`);
  }
  const c = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const str = (k: string) => (typeof c[k] === 'string' && c[k] ? (c[k] as string) : undefined);
  return { apiKeySid: str('apiKeySid'), apiSecret: str('apiSecret'), accountSid: str('accountSid') };
}
