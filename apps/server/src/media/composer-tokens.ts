/** The access tokens a composer page joins its room with (hidden), minted with the API key. */
import { createAccessToken } from '@onair/tokens';

/** long enough for a whole job (MaxDuration ≤ 25 h; a restarted page rejoins with a new one) */
export const COMPOSER_TOKEN_TTL = 86_400;

export interface TokenCredentials {
  accountSid: string;
  apiKeySid: string;
  apiSecret: string;
}

/** `mintToken` for a JobHost; `credentials` may have to be asked for (a worker learns its Account SID from the origin). */
export function composerTokens(credentials: () => Promise<TokenCredentials>): (identity: string, room: string) => Promise<string> {
  return async (identity, room) => {
    const { accountSid, apiKeySid, apiSecret } = await credentials();
    return createAccessToken({ accountSid, apiKeySid, apiSecret, identity, ttl: COMPOSER_TOKEN_TTL, video: { room, hidden: true } });
  };
}
