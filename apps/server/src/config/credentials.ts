/**
 * The account's credentials: Account SID + auth token, API key SID + secret.
 * Taken from configuration when given; otherwise generated once and kept in the data
 * dir (credentials.json, mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SidPrefix, createSid, isSid } from '@onair/protocol';
import { z } from 'zod';

export interface Credentials {
  accountSid: string;
  apiKeySid: string;
  apiSecret: string;
  authToken: string;
}

export type CredentialSource = 'config' | 'data-dir' | 'generated';

export interface ResolvedCredentials {
  credentials: Credentials;
  /** where each came from: config (env) values are never printed */
  source: CredentialSource;
  file: string;
  /** the fields that came from configuration (env) and were not generated or read from the file */
  configured: ReadonlySet<keyof Credentials>;
}

const secret = z.string().min(16, 'must be at least 16 characters');
const schema = z.object({
  accountSid: z.string().refine((s) => isSid(SidPrefix.Account, s), 'must be AC followed by 32 hex characters'),
  apiKeySid: z.string().refine((s) => isSid(SidPrefix.ApiKey, s), 'must be SK followed by 32 hex characters'),
  apiSecret: secret,
  authToken: secret,
});

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

function validate(c: Partial<Credentials>, where: string): Credentials {
  const r = schema.safeParse(c);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new CredentialsError(`${where}: ${String(i.path[0])} ${i.message}`);
  }
  return r.data;
}

export function generateCredentials(): Credentials {
  return {
    accountSid: createSid(SidPrefix.Account),
    apiKeySid: createSid(SidPrefix.ApiKey),
    apiSecret: randomBytes(24).toString('base64url'),
    authToken: randomBytes(16).toString('hex'),
  };
}

/**
 * Resolves credentials: when `configured` holds all four they are used as they are;
 * otherwise the data dir's file is read, or created, and any configured field wins.
 */
export function resolveCredentials(dataDir: string, configured: Partial<Credentials>): ResolvedCredentials {
  const file = join(dataDir, 'credentials.json');
  const given = Object.fromEntries(Object.entries(configured).filter(([, v]) => v)) as Partial<Credentials>;
  const configuredKeys = new Set(Object.keys(given) as (keyof Credentials)[]);
  if (configuredKeys.size === 4) {
    return { credentials: validate(given, 'configured credentials'), source: 'config', file, configured: configuredKeys };
  }
  let stored: Credentials;
  let source: CredentialSource = 'data-dir';
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new CredentialsError(`${file} is not valid JSON (${(err as Error).message})`);
    }
    stored = validate(parsed as Partial<Credentials>, file);
    chmodSync(file, 0o600);
  } else {
    stored = generateCredentials();
    writeFileSync(file, JSON.stringify(stored, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    source = 'generated';
  }
  return { credentials: validate({ ...stored, ...given }, 'credentials'), source, file, configured: configuredKeys };
}
