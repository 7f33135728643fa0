/**
 * Error codes used on the wire. Numbers are Twilio's where Twilio has one, so that
 * `RestException.code` means the same thing for an application moving from Twilio.
 */
export const ErrorCode = {
  InvalidParameter: 20001,
  Authentication: 20003,
  MethodNotAllowed: 20004,
  AccessTokenInvalid: 20101,
  AccessTokenHeaderInvalid: 20102,
  AccessTokenIssuerInvalid: 20103,
  AccessTokenExpired: 20104,
  AccessTokenNotYetValid: 20105,
  AccessTokenGrantsInvalid: 20106,
  AccessTokenSignatureInvalid: 20107,
  Forbidden: 20403,
  Conflict: 20409,
  NotFound: 20404,
  PayloadTooLarge: 20413,
  UnsupportedMediaType: 20415,
  TooManyRequests: 20429,
  InternalError: 20500,
  ServiceUnavailable: 20503,
  RoomNotFound: 53106,
  RoomMaxParticipantsExceeded: 53105,
  ParticipantRemoved: 53216,
  SignalingMalformed: 53000,
  RoomCompleted: 53118,
  RoomNameExists: 53113,
  ParticipantMaxTracksExceeded: 53203,
  ParticipantDuplicateIdentity: 53205,
  PlayerViewerLimit: 56008,
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The JSON body of every REST error, as Twilio sends it. */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  details?: Record<string, unknown>;
}

export function moreInfoUrl(code: number): string {
  return `https://www.twilio.com/docs/errors/${code}`;
}
