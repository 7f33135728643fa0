/**
 * HTTP exactly as a test writes it: any Host header (or none, over HTTP/1.0), any source
 * address of the test's own (a veth end), and WebSocket upgrade attempts read back raw.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawTarget {
  host: string;
  port: number;
  /** the source address (for example the other end of a veth pair) */
  localAddress?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function rawRequest(
  target: RawTarget,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        method,
        path,
        headers: { ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
        ...(target.localAddress ? { localAddress: target.localAddress } : {}),
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parseJson(text) }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path} in 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Writes `head` (a request head without the final blank line) on a fresh TCP connection and
 * returns everything the server sent until it closed or 3 s passed.
 */
export function rawExchange(target: RawTarget, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: target.host, port: target.port, ...(target.localAddress ? { localAddress: target.localAddress } : {}) });
    let got = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(got);
    };
    const timer = setTimeout(done, 3_000);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${head}\r\n\r\n`));
    socket.on('data', (d: string) => {
      got += d;
      // a 101 keeps the socket open: the head is all there is to read
      if (got.startsWith('HTTP/1.1 101') && got.includes('\r\n\r\n')) done();
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** A WebSocket upgrade request head for `path` with the given Host. */
export function upgradeHead(path: string, host: string): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  ].join('\r\n');
}

export const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
