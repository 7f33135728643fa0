/**
 * The last resort of `onair serve`: an exception nothing caught, or a promise rejection
 * nothing handled, is logged (structured, without its stack's locals) and the server keeps
 * serving. Every entry point owns its errors (raw-socket.ts, the error handler, the socket
 * handlers); this is only for the bug that slipped past them, so that one request cannot
 * end every stream and room.
 */
import type { Logger } from 'pino';

export interface LastResortTarget {
  on(event: 'uncaughtException', listener: (err: Error, origin: string) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export function installLastResortHandlers(target: LastResortTarget, logger: Logger): void {
  target.on('uncaughtException', (err, origin) => {
    logger.error({ err, origin }, 'uncaught exception; the server keeps serving');
  });
  target.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection; the server keeps serving');
  });
}
