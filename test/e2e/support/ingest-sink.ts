/**
 * A stand-in for a MediaProcessor job's ingest endpoint (protocol/src/composer.ts), for
 * composer page tests: a `ws` server on 127.0.0.1 that checks the hello's secret (4003 when
 * wrong), answers `{type:'ready'}`, and keeps every connection's hello, binary chunks and
 * status messages in order.
 */
import type { AddressInfo } from 'node:net';
import type { IngestHello, IngestStatus } from '@onair/protocol';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SinkConnection {
  readonly ws: WebSocket;
  hello: IngestHello | undefined;
  /** the secret was right and `ready` was sent */
  accepted: boolean;
  readonly chunks: Buffer[];
  readonly statuses: IngestStatus[];
  /** text messages that were neither hello nor status */
  readonly other: string[];
  closeCode: number | undefined;
  readonly openedAt: number;
  /** all chunks so far, concatenated */
  bytes(): Buffer;
}

export interface IngestSink {
  /** ws://127.0.0.1:<port>/ingest */
  url: string;
  readonly connections: SinkConnection[];
  close(): Promise<void>;
}

export async function startIngestSink(secret: string): Promise<IngestSink> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/ingest', perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const connections: SinkConnection[] = [];
  wss.on('connection', (ws) => {
    const conn: SinkConnection = {
      ws,
      hello: undefined,
      accepted: false,
      chunks: [],
      statuses: [],
      other: [],
      closeCode: undefined,
      openedAt: Date.now(),
      bytes: () => Buffer.concat(conn.chunks),
    };
    connections.push(conn);
    ws.on('close', (code) => (conn.closeCode = code));
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) {
        // the contract: nothing binary before ready
        if (conn.accepted) conn.chunks.push(Buffer.from(data));
        else ws.close(4003, 'binary before hello');
        return;
      }
      const message = JSON.parse(data.toString()) as { type?: string };
      if (!conn.hello) {
        if (message.type !== 'hello') return ws.close(4003, 'expected hello');
        conn.hello = message as IngestHello;
        if (conn.hello.secret !== secret) return ws.close(4003, 'bad secret');
        conn.accepted = true;
        ws.send(JSON.stringify({ type: 'ready' }));
      } else if (message.type === 'status') conn.statuses.push(message as IngestStatus);
      else conn.other.push(data.toString());
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/ingest`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
