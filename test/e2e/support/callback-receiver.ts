/** A real HTTP server (on 127.0.0.1 unless told otherwise) that records status callbacks and counts TCP connections. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCallback {
  method: string;
  url: string;
  signature: string | undefined;
  params: Record<string, string>;
}

export async function callbackReceiver(host = '127.0.0.1') {
  const received: ReceivedCallback[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const full = new URL(req.url!, `http://${req.headers.host}`);
      const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? full.search : body));
      received.push({ method: req.method!, url: full.toString(), signature: req.headers['x-twilio-signature'] as string | undefined, params });
      res.writeHead(204).end();
    });
  });
  // every accepted TCP connection, whether or not a request follows
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/hooks`,
    port,
    received,
    connections: () => connections,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
