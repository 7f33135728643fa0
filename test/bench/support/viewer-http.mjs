// The HTTP side of the simulated viewers (test/bench/support/playback-viewers.mjs,
// ll-viewers.mjs): one keep-alive agent for all viewers, bodies read whole, truncation seen.
import { Agent, request } from 'node:http';

/**
 * `get(method, url, headers)` resolves (never rejects) with {status, ms, size, complete, body?,
 * error?}; `body` is the text of anything but video/*. Status 0 is a socket error.
 *
 * A server may close an idle keep-alive socket just as it is reused (its keepAliveTimeout
 * passed): like browsers, such a request is retried once on a fresh socket (Node's documented
 * pattern, `req.reusedSocket`). `retries` counts them, so they are reported, not hidden.
 */
export class ViewerHttp {
  retries = 0;

  constructor(maxFreeSockets) {
    // Idle sockets are dropped after 4 s, before the servers' 5 s keepAliveTimeout closes them.
    this.agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets, timeout: 4_000 });
    /** for the one retry: a new connection, never another pooled one */
    this.fresh = new Agent({ keepAlive: false });
  }

  async get(method, url, headers = {}) {
    const res = await attempt(method, url, headers, this.agent);
    if (!res.retry) return res;
    this.retries++;
    return attempt(method, url, headers, this.fresh);
  }

  destroy() {
    this.agent.destroy();
    this.fresh.destroy();
  }
}

function attempt(method, url, headers, agent) {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      let size = 0;
      res.on('data', (c) => {
        size += c.length;
        if (chunks.length < 64) chunks.push(c);
      });
      res.on('end', () => {
        const ms = performance.now() - start;
        const expected = Number(res.headers['content-length']);
        const body = res.headers['content-type']?.startsWith('video/') ? undefined : Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode, ms, size, complete: Number.isNaN(expected) || expected === size, body });
      });
      res.on('error', (error) => resolve({ status: 0, ms: performance.now() - start, error: String(error) }));
    });
    req.on('error', (error) =>
      resolve({
        status: 0,
        ms: performance.now() - start,
        error: String(error),
        retry: req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE'),
      }),
    );
    req.end();
  });
}

/** One line for an error sample: the status (or socket error) and the start of the body. */
export function describeFailure(what, res) {
  return `${what}: ${res.error ?? `HTTP ${res.status}${res.body ? ` ${res.body.slice(0, 120)}` : ''}${res.complete === false ? ' (truncated)' : ''}`}`;
}

/** p50/p90/p99/max of latencies in ms (NaN when there are none). */
export function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}
