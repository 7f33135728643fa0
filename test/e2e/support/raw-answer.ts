/**
 * HTTP/1.1 over a plain TCP socket, for hostile-input tests: any method token, any bytes in
 * the request target and headers, any body, and an answer read exactly (Content-Length or
 * chunked). A connection that closes or resets before a complete answer is `dropped`: for
 * the server that is a failure (every client input gets an HTTP answer).
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  json: any;
}

export type RawResult = { answer: RawAnswer; dropped?: undefined } | { answer?: undefined; dropped: string };

export interface RawRequest {
  method: string;
  /** the request target exactly as sent (may be malformed on purpose) */
  target: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** give up after this many ms (counts as dropped); default 15000 */
  timeoutMs?: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Parses what arrived so far; undefined while the answer is incomplete. */
function parse(buf: Buffer, method: string): RawAnswer | undefined {
  const end = buf.indexOf(HEADER_END);
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = buf.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? NaN);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let rest = buf.subarray(end + 4);
  let body: Buffer;
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) body = Buffer.alloc(0);
  else if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
    const chunks: Buffer[] = [];
    for (;;) {
      const eol = rest.indexOf('\r\n');
      if (eol === -1) return undefined;
      const size = parseInt(rest.subarray(0, eol).toString('latin1'), 16);
      if (Number.isNaN(size)) return undefined;
      if (rest.length < eol + 2 + size + 2) return undefined;
      if (size === 0) break;
      chunks.push(rest.subarray(eol + 2, eol + 2 + size));
      rest = rest.subarray(eol + 2 + size + 2);
    }
    body = Buffer.concat(chunks);
  } else if (headers['content-length'] !== undefined) {
    const length = Number(headers['content-length']);
    if (rest.length < length) return undefined;
    body = rest.subarray(0, length);
  } else return undefined; // read to the close
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status, headers, body, json };
}

export function rawHttp(baseUrl: string, req: RawRequest): Promise<RawResult> {
  const { hostname, port } = new URL(baseUrl);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  const headers: Record<string, string> = {
    host: `${hostname}:${port}`,
    ...(body !== undefined ? { 'content-length': String(body.length) } : {}),
    ...req.headers,
  };
  const head = `${req.method} ${req.target} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let buf = Buffer.alloc(0);
    let settled = false;
    const settle = (r: RawResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => settle({ dropped: `no complete answer in ${req.timeoutMs ?? 15_000} ms` }), req.timeoutMs ?? 15_000);
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const answer = parse(buf, req.method);
      if (answer) settle({ answer });
    });
    socket.on('end', () => {
      // an answer without a length ends with the connection
      const answer = parse(buf, req.method);
      if (answer) settle({ answer });
      else if (buf.indexOf(HEADER_END) !== -1 && !/content-length|transfer-encoding/i.test(buf.toString('latin1'))) {
        const end = buf.indexOf(HEADER_END);
        const withLength = Buffer.concat([
          buf.subarray(0, end),
          Buffer.from(`\r\ncontent-length: ${buf.length - end - 4}`),
          buf.subarray(end),
        ]);
        settle(parse(withLength, req.method) ? { answer: parse(withLength, req.method)! } : { dropped: 'closed mid-answer' });
      } else settle({ dropped: buf.length ? 'closed mid-answer' : 'closed without an answer' });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      const answer = parse(buf, req.method);
      // writing a body the server refused early may fail after its answer arrived: that is fine
      settle(answer ? { answer } : { dropped: `${err.code ?? err.message} before an answer` });
    });
    socket.write(head);
    if (body !== undefined) socket.write(body, () => undefined);
  });
}
