import { describe, expect, test } from 'vitest';
import { TokenError, TWILIO_ERROR_CODES, type TokenErrorCode } from './errors.js';

describe('TokenError', () => {
  test.each<[string, () => TokenError, TokenErrorCode, number]>([
    ['malformed', () => TokenError.malformed('m'), 'ERR_TOKEN_MALFORMED', 20101],
    ['header', () => TokenError.header('m'), 'ERR_TOKEN_HEADER', 20102],
    ['issuer', () => TokenError.issuer('m'), 'ERR_TOKEN_ISSUER', 20103],
    ['expired', () => TokenError.expired('m'), 'ERR_TOKEN_EXPIRED', 20104],
    ['lifetime', () => TokenError.lifetime('m'), 'ERR_TOKEN_LIFETIME', 20104],
    ['notYetValid', () => TokenError.notYetValid('m'), 'ERR_TOKEN_NOT_YET_VALID', 20105],
    ['grants', () => TokenError.grants('m'), 'ERR_TOKEN_GRANTS', 20106],
    ['signature', () => TokenError.signature('m'), 'ERR_TOKEN_SIGNATURE', 20107],
    ['grantInvalid', () => TokenError.grantInvalid('m'), 'ERR_GRANT_INVALID', 20101],
    ['grantExpired', () => TokenError.grantExpired('m'), 'ERR_GRANT_EXPIRED', 20104],
    ['grantOrigins', () => TokenError.grantOrigins('m'), 'ERR_GRANT_ORIGINS', 20001],
    ['options', () => TokenError.options('m'), 'ERR_TOKEN_OPTIONS', 20001],
  ])('%s() → %s / %i', (_name, make, code, twilioCode) => {
    const error = make();
    expect(error).toBeInstanceOf(TokenError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TokenError');
    expect(error.code).toBe(code);
    expect(error.twilioCode).toBe(twilioCode);
    expect(TWILIO_ERROR_CODES[code]).toBe(twilioCode);
    expect(error.message).toBe('m');
  });

  test('keeps a cause only when one is given', () => {
    const cause = new Error('inner');
    expect(TokenError.signature('x', cause).cause).toBe(cause);
    expect('cause' in TokenError.signature('x')).toBe(false);
  });
});
