/**
 * An HTTP error answer as raw bytes, for the places that answer on a socket rather than
 * through an HTTP response object: a refused WebSocket upgrade, a request Node could not
 * parse. The body is Twilio's error JSON, the connection is closed after it.
 */
import { moreInfoUrl, type TwilioErrorBody } from './errors.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * `HTTP/1.1 <status>` with `Connection: close`, `Content-Type: application/json`,
 * `X-Content-Type-Options: nosniff`, the given extra headers (names and values must be
 * plain header text) and the JSON body `{code, message, more_info, status}`.
 */
export function httpRefusal(status: number, code: number, message: string, headers: Record<string, string> = {}): string {
  const body: TwilioErrorBody = { code, message, more_info: moreInfoUrl(code), status };
  const json = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${new TextEncoder().encode(json).length}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${json}`;
}

/** The little of a Node socket (`net.Socket`, `stream.Duplex`) that answering on it needs. */
export interface RefusableSocket {
  readonly writable: boolean;
  readonly destroyed: boolean;
  once(event: 'finish', listener: () => void): unknown;
  end(data: string): unknown;
  destroy(): unknown;
}

/**
 * Writes `httpRefusal(…)` on a socket that was not upgraded (or whose request Node could not
 * parse) and closes it once written; a socket already gone is just destroyed.
 */
export function refuseOnSocket(
  socket: RefusableSocket,
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): void {
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(httpRefusal(status, code, message, headers));
}
