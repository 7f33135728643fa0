/**
 * The HTTP listener's raw-socket edges, where express is not involved: WebSocket upgrades
 * and requests Node's parser refuses. Both answer with Twilio's error JSON on the socket
 * (protocol's httpRefusal) and never throw: a client can end its own connection, never the
 * process.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, refuseOnSocket } from '@onair/protocol';
import type { Logger } from 'pino';

/** Takes an upgrade whose path it serves (and answers it, one way or another); false otherwise. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;


/**
 * The server's `upgrade` listener: each handler in turn, 404 JSON when none takes the path.
 * A handler that throws is this server's bug: it is logged and answered 500, and the
 * process goes on.
 */
export function upgradeDispatcher(handlers: readonly UpgradeHandler[], logger: Logger): UpgradeHandler {
  return (req, socket, head) => {
    // a reset from the peer must not become an unhandled 'error' event
    socket.on('error', (err) => {
      logger.debug({ err }, 'upgrade socket error');
      socket.destroy();
    });
    try {
      for (const handle of handlers) if (handle(req, socket, head)) return true;
      refuseOnSocket(socket, 404, ErrorCode.NotFound, 'No WebSocket endpoint at this path');
    } catch (err) {
      logger.error({ err, path: (req.url ?? '').split('?')[0]?.slice(0, 200) }, 'upgrade handler failed');
      refuseOnSocket(socket, 500, ErrorCode.InternalError, 'Internal server error');
    }
    return true;
  };
}

/**
 * The server's `connect` listener: a CONNECT request (this is no proxy) gets 405 JSON.
 * Without a listener Node destroys the socket with no answer at all.
 */
export function refuseConnect(server: Server): void {
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    refuseOnSocket(socket, 405, ErrorCode.MethodNotAllowed, 'CONNECT is not supported: this server is not a proxy');
  });
}

interface ClientError extends Error {
  code?: string;
}

/**
 * The server's `clientError` listener: a request Node could not parse (or that timed out)
 * gets a Twilio JSON error like every other refusal, instead of Node's bodiless default.
 * As Node does, only when nothing has been written on the connection yet.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (err: ClientError, socket: Duplex & { bytesWritten?: number }) => {
    logger.debug({ code: err.code }, 'client error');
    socket.on('error', () => socket.destroy());
    if (err.code === 'ECONNRESET' || !socket.writable || (socket.bytesWritten ?? 0) > 0) {
      socket.destroy();
      return;
    }
    switch (err.code) {
      case 'HPE_HEADER_OVERFLOW':
        refuseOnSocket(socket, 431, ErrorCode.InvalidParameter, 'The request headers are too large');
        return;
      case 'ERR_HTTP_REQUEST_TIMEOUT':
        refuseOnSocket(socket, 408, ErrorCode.InvalidParameter, 'The request was not received in time');
        return;
      default:
        refuseOnSocket(socket, 400, ErrorCode.InvalidParameter, 'The request is not valid HTTP');
    }
  });
}
