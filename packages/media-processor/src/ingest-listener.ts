/**
 * The ingest endpoint's own listener: an HTTP server on 127.0.0.1 (a port the kernel
 * chooses), owned by the worker that runs the jobs, so a job's media never passes through
 * the API's listener and a job can run on any machine next to its Chromium. Upgrades under
 * INGEST_PATH_PREFIX go to the IngestServer (which still admits local peers only); anything
 * else gets a Twilio JSON 404.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, moreInfoUrl, refuseOnSocket } from '@onair/protocol';
import type { IngestAcceptor, IngestServer } from './ingest-server.js';
import type { IngestEndpoints } from './media-job-types.js';

export class IngestListener implements IngestEndpoints {
  readonly #server: Server;
  #port: number | undefined;

  private constructor(
    private readonly ingest: IngestServer,
    server: Server,
  ) {
    this.#server = server;
  }

  /** Listens on 127.0.0.1:`port` (0: any free port). */
  static async open(ingest: IngestServer, port = 0): Promise<IngestListener> {
    const server = createServer((req, res) => {
      req.resume();
      const code = ErrorCode.NotFound;
      res.writeHead(404, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ code, message: 'Only the ingest WebSocket is served here', more_info: moreInfoUrl(code), status: 404 }));
    });
    const listener = new IngestListener(ingest, server);
    server.on('upgrade', (req, socket, head) => {
      socket.on('error', () => socket.destroy());
      try {
        if (!ingest.handleUpgrade(req, socket, head)) refuseOnSocket(socket, 404, ErrorCode.NotFound, 'No such endpoint');
      } catch {
        refuseOnSocket(socket, 500, ErrorCode.InternalError, 'Internal error');
      }
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    listener.#port = (server.address() as AddressInfo).port;
    return listener;
  }

  /** ws://127.0.0.1:<port> */
  get baseUrl(): string {
    return `ws://127.0.0.1:${this.#port}`;
  }

  register(jobId: string, secret: string, accept: IngestAcceptor): { url: string; unregister: () => void } {
    const reg = this.ingest.register(jobId, secret, accept);
    return { url: this.baseUrl + reg.path, unregister: reg.unregister };
  }

  async close(): Promise<void> {
    this.ingest.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }
}
