/**
 * A fetch-like function that sends every request to this server's own socket address
 * while keeping the URL's host in the `Host` header, so the REST API answers as if the
 * request had come to that host (the grant's playbackUrl then names the host viewers use).
 * Global fetch cannot do this: it always derives `Host` from the URL.
 */
import { request } from 'node:http';
import type { FetchLike } from '@onair/tokens';

export interface LoopbackTarget {
  /** IP address the server accepted a connection on (`req.socket.localAddress`) */
  address: string;
  port: number;
}

export function loopbackFetch(target: LoopbackTarget): FetchLike {
  return (url, init) =>
    new Promise((resolve, reject) => {
      const { host, pathname, search } = new URL(url);
      const req = request(
        {
          host: target.address,
          port: target.port,
          method: init.method,
          path: `${pathname}${search}`,
          headers: { ...init.headers, host, 'content-length': String(Buffer.byteLength(init.body)) },
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({ ok: status >= 200 && status < 300, status, text: async () => text });
          });
        },
      );
      req.on('error', reject);
      req.end(init.body);
    });
}
