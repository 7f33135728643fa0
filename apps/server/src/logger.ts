/**
 * Structured logs (pino). Secrets and tokens are redacted wherever they might appear:
 * known fields by path, errors by a serializer, and every line as it is written
 * (log-redaction.ts), so a message that quotes a URL with a token loses the token.
 */
import { pino, type Logger } from 'pino';
import { redactDeep, redactText } from './log-redaction.js';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  '*.apiSecret',
  '*.authToken',
  '*.token',
  '*.password',
  'apiSecret',
  'authToken',
  'token',
];

/** pino's error serializer, then every string in it (message, stack, own fields) redacted. */
export function redactedErrSerializer(err: unknown): unknown {
  return redactDeep(err instanceof Error ? pino.stdSerializers.err(err) : err);
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'onair' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: redactedErrSerializer },
      // the last line of defence: the message (pino takes an error's message as one) and every field
      hooks: { streamWrite: redactText },
    },
    destination,
  );
}
