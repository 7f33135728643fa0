/**
 * A TCP proxy on 127.0.0.1 in front of the server, so a test can cut one real connection
 * (for example a page's signaling WebSocket) abruptly, as a network would: both sides are
 * reset, and the browser sees close code 1006.
 */
import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

interface Piped {
  client: Socket;
  upstream: Socket;
  /** the first bytes the client sent (the HTTP request line and headers) */
  head: string;
}

export interface TcpProxy {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Resets every open connection whose first bytes match; returns how many. */
  drop(match: RegExp): number;
  close(): Promise<void>;
}

export async function tcpProxy(target: string): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Piped>();
  const server = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    const piped: Piped = { client, upstream, head: '' };
    open.add(piped);
    client.once('data', (chunk: Buffer) => (piped.head = chunk.toString('latin1', 0, 2048)));
    client.pipe(upstream);
    upstream.pipe(client);
    const done = () => {
      open.delete(piped);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', done).on('error', done);
    upstream.on('close', done).on('error', done);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port: own } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${own}`,
    drop(match) {
      let n = 0;
      for (const p of [...open]) {
        if (!match.test(p.head)) continue;
        open.delete(p);
        p.client.resetAndDestroy();
        p.upstream.resetAndDestroy();
        n++;
      }
      return n;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const p of open) {
          p.client.destroy();
          p.upstream.destroy();
        }
        server.close(() => resolve());
      }),
  };
}
