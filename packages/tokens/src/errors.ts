/** Machine-readable reason a token operation failed. */
export type TokenErrorCode =
  | 'ERR_TOKEN_MALFORMED'
  | 'ERR_TOKEN_HEADER'
  | 'ERR_TOKEN_ISSUER'
  | 'ERR_TOKEN_EXPIRED'
  | 'ERR_TOKEN_LIFETIME'
  | 'ERR_TOKEN_NOT_YET_VALID'
  | 'ERR_TOKEN_GRANTS'
  | 'ERR_TOKEN_SIGNATURE'
  | 'ERR_GRANT_INVALID'
  | 'ERR_GRANT_EXPIRED'
  | 'ERR_GRANT_ORIGINS'
  | 'ERR_TOKEN_OPTIONS';

/** The Twilio REST/Video error number reported for each {@link TokenErrorCode}. */
export const TWILIO_ERROR_CODES: Readonly<Record<TokenErrorCode, number>> = Object.freeze({
  ERR_TOKEN_MALFORMED: 20101,
  ERR_TOKEN_HEADER: 20102,
  ERR_TOKEN_ISSUER: 20103,
  ERR_TOKEN_EXPIRED: 20104,
  // Twilio's 20104 covers "the expiration time specified was too far in the future" (over 24 h)
  ERR_TOKEN_LIFETIME: 20104,
  ERR_TOKEN_NOT_YET_VALID: 20105,
  ERR_TOKEN_GRANTS: 20106,
  ERR_TOKEN_SIGNATURE: 20107,
  ERR_GRANT_INVALID: 20101,
  ERR_GRANT_EXPIRED: 20104,
  ERR_GRANT_ORIGINS: 20001,
  ERR_TOKEN_OPTIONS: 20001,
});

/**
 * Raised for every token problem this package detects.
 * Messages describe what was wrong but never contain the token or a secret.
 */
export class TokenError extends Error {
  override readonly name = 'TokenError';
  readonly code: TokenErrorCode;
  readonly twilioCode: number;

  constructor(code: TokenErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.twilioCode = TWILIO_ERROR_CODES[code];
  }

  static malformed(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_MALFORMED', message, { cause });
  }

  static header(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_HEADER', message, { cause });
  }

  static issuer(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_ISSUER', message, { cause });
  }

  static expired(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_EXPIRED', message, { cause });
  }

  /** The token lives longer than the 24 h an access token may (exp - iat, or exp from now). */
  static lifetime(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_LIFETIME', message, { cause });
  }

  static notYetValid(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_NOT_YET_VALID', message, { cause });
  }

  static grants(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_GRANTS', message, { cause });
  }

  static signature(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_SIGNATURE', message, { cause });
  }

  static grantInvalid(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_GRANT_INVALID', message, { cause });
  }

  static grantExpired(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_GRANT_EXPIRED', message, { cause });
  }

  static grantOrigins(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_GRANT_ORIGINS', message, { cause });
  }

  static options(message: string, cause?: unknown): TokenError {
    return new TokenError('ERR_TOKEN_OPTIONS', message, { cause });
  }
}
