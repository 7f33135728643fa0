/** Structured logs (pino). Secrets and tokens are redacted wherever they might appear. */
import { pino, type Logger } from 'pino';

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, base: { service: 'onair' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, destination);
}
