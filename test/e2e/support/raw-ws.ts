/**
 * A WebSocket client over a plain TCP socket, for sending what no library would: frames
 * with reserved bits or opcodes, unmasked frames, a frame's first bytes only. It reads what
 * the server sends back and reports the close frame's code (undefined: the connection
 * ended without one, i.e. it was dropped).
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

export interface RawWs {
  socket: Socket;
  /** writes bytes as they are */
  write(bytes: Buffer): void;
  /** a masked client frame */
  frame(opcode: number, payload: Buffer, fin?: boolean): Buffer;
  /** resolves when the connection ends: the close code the server sent, if it sent one */
  closed: Promise<{ code: number | undefined; texts: string[] }>;
}

/** Opens the connection and does the handshake; rejects with the HTTP answer when refused. */
export function openRawWs(baseUrl: string, path: string, timeoutMs = 15_000): Promise<RawWs> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const key = randomBytes(16).toString('base64');
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${key}\r\n\r\n`,
    );
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let code: number | undefined;
    const texts: string[] = [];
    let settleClosed: (v: { code: number | undefined; texts: string[] }) => void = () => undefined;
    const closed = new Promise<{ code: number | undefined; texts: string[] }>((r) => (settleClosed = r));
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    const readFrames = () => {
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          offset = 10;
        }
        if (buf.length < offset + len) return;
        const payload = buf.subarray(offset, offset + len);
        if (opcode === 0x8 && code === undefined) {
          code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          socket.end(maskedFrame(0x8, payload.subarray(0, 2))); // the closing handshake, as a client does
        }
        if (opcode === 0x1) texts.push(payload.toString('utf8'));
        buf = buf.subarray(offset + len);
      }
    };
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buf.subarray(0, end).toString('latin1');
        if (!/^HTTP\/1\.1 101/.test(head)) {
          reject(new Error(`upgrade refused: ${buf.toString('utf8').slice(0, 300)}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve({ socket, write: (b) => socket.write(b), frame: maskedFrame, closed });
      }
      readFrames();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      if (!upgraded) reject(new Error('closed before the handshake'));
      settleClosed({ code, texts });
    });
  });
}

export function maskedFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = randomBytes(4);
  const len = payload.length;
  const head = len < 126 ? Buffer.alloc(2) : len < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  head[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  if (len < 126) head[1] = 0x80 | len;
  else if (len < 65536) {
    head[1] = 0x80 | 126;
    head.writeUInt16BE(len, 2);
  } else {
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(len), 2);
  }
  const masked = Buffer.alloc(len);
  for (let i = 0; i < len; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, masked]);
}
