/**
 * The Account SID a worker's composer tokens name, asked of the origin (`GET /origin/account`,
 * the API key's Basic auth) when the worker was not given ONAIR_ACCOUNT_SID. Asked when the
 * first job needs it, so a worker starts while its server is still down; retried until then.
 */
import { isSid, SidPrefix } from '@onair/protocol';

export class AccountLookupError extends Error {
  override readonly name = 'AccountLookupError';
  constructor(
    message: string,
    /** the origin answered and refused the API key (not a network problem) */
    readonly refused = false,
  ) {
    super(message);
  }
}

export function accountFromOrigin(opts: { originUrl: string; apiKeySid: string; apiSecret: string; timeoutMs?: number }): () => Promise<string> {
  let known: string | undefined;
  return async () => {
    if (known) return known;
    const res = await fetch(`${opts.originUrl}/origin/account`, {
      headers: { authorization: `Basic ${Buffer.from(`${opts.apiKeySid}:${opts.apiSecret}`).toString('base64')}` },
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
    }).catch((err: Error) => {
      throw new AccountLookupError(`the origin ${opts.originUrl} did not answer: ${err.message}`);
    });
    if (res.status === 401 || res.status === 403) throw new AccountLookupError(`the origin ${opts.originUrl} refused the API key (HTTP ${res.status}): set ONAIR_API_KEY and ONAIR_API_SECRET to the server's API key`, true);
    if (res.status === 404) {
      throw new AccountLookupError(`the server at ${opts.originUrl} takes no workers: start it with --redis-url (ONAIR_REDIS_URL)`, true);
    }
    const body = (await res.json().catch(() => undefined)) as { account_sid?: unknown } | undefined;
    const sid = body?.account_sid;
    if (!res.ok || typeof sid !== 'string' || !isSid(SidPrefix.Account, sid)) {
      throw new AccountLookupError(`the origin ${opts.originUrl} gave no Account SID (HTTP ${res.status})`);
    }
    known = sid;
    return sid;
  };
}
