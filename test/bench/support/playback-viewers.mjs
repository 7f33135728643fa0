// Simulated HLS viewers for test/bench/playback.bench.ts, run as a child process so the
// load generator does not share an event loop with anything it measures.
//
// argv[2]: JSON {mode: "origin" | "static", viewers, seconds, pollMs, joinMs?, playbackUrl?,
//                token?, playlistUrl?, origin?}
// Each viewer: (origin mode) opens a session with POST <playbackUrl> once, then polls the
// playlist every pollMs and fetches the init section once and every segment it has not
// fetched yet (starting 3 segments behind the live edge, as a player does). Prints one JSON
// line: counts, errors, latencies (p50/p90/p99/max ms) for sessions and for GETs.
import { Agent, request } from 'node:http';

const cfg = JSON.parse(process.argv[2]);
// Idle sockets are dropped after 4 s, before the servers' 5 s keepAliveTimeout closes them.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: cfg.viewers * 2, timeout: 4_000 });
/** for the one retry: a new connection, never another pooled one */
const fresh = new Agent({ keepAlive: false });

// A server may close an idle keep-alive socket just as it is reused (its keepAliveTimeout
// passed): like browsers, retry such a request once on a fresh socket (Node's documented
// pattern, `req.reusedSocket`). These retries are counted and reported, not hidden.
let retries = 0;
async function get(method, url, headers = {}) {
  const res = await attempt(method, url, headers, agent);
  if (res.retry) {
    retries++;
    return attempt(method, url, headers, fresh);
  }
  return res;
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

const sessionMs = [];
const getMs = [];
const errors = [];
let bytes = 0;
let requestsInWindow = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(what, res) {
  errors.push(`${what}: ${res.error ?? `HTTP ${res.status}${res.body ? ` ${res.body.slice(0, 120)}` : ''}${res.complete === false ? ' (truncated)' : ''}`}`);
}

async function viewer(index, windowStart, deadline) {
  let playlistUrl = cfg.playlistUrl;
  const headers = cfg.origin ? { origin: cfg.origin } : {};
  if (cfg.mode === 'origin') {
    await sleep((index * (cfg.joinMs ?? 0)) / cfg.viewers); // viewers arrive over joinMs, not all at once
    const res = await get('POST', cfg.playbackUrl, { ...headers, authorization: `Bearer ${cfg.token}` });
    sessionMs.push(res.ms);
    if (res.status !== 200) return fail('session', res);
    playlistUrl = JSON.parse(res.body).playlistUrl;
  }
  const base = playlistUrl.slice(0, playlistUrl.lastIndexOf('/') + 1);
  const seen = new Set();
  let init;
  // each viewer starts polling at windowStart + its own offset within one poll interval
  await sleep(Math.max(0, windowStart + (index * cfg.pollMs) / cfg.viewers - Date.now()));
  while (Date.now() < deadline) {
    const t0 = Date.now();
    const fetchOne = async (what, uri) => {
      const res = await get('GET', base + uri, headers);
      if (Date.now() <= deadline) {
        requestsInWindow++;
        getMs.push(res.ms);
      }
      bytes += res.size ?? 0;
      if (res.status !== 200 || !res.complete) fail(`${what} ${uri}`, res);
      return res;
    };
    const playlist = await fetchOne('playlist', 'index.m3u8');
    if (playlist.status === 200) {
      const text = playlist.body;
      const map = /#EXT-X-MAP:URI="([^"]+)"/.exec(text)?.[1];
      if (map && map !== init) {
        init = map;
        await fetchOne('init', map);
      }
      const segments = text.split('\n').filter((l) => l && !l.startsWith('#'));
      const fresh = segments.filter((s) => !seen.has(s));
      const wanted = seen.size === 0 ? fresh.slice(-3) : fresh;
      for (const s of fresh) seen.add(s);
      for (const s of wanted) await fetchOne('segment', s);
    }
    await sleep(Math.max(0, t0 + cfg.pollMs - Date.now()));
  }
}

function summary(values) {
  const sorted = Float64Array.from(values).sort();
  const at = (q) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);
  return { n: sorted.length, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted.length ? sorted[sorted.length - 1] : NaN };
}

const windowStart = Date.now() + (cfg.joinMs ?? 0) + 1_000; // sessions are opened before the measured window
const deadline = windowStart + cfg.seconds * 1000;
await Promise.all(Array.from({ length: cfg.viewers }, (_, i) => viewer(i, windowStart, deadline)));
agent.destroy();
fresh.destroy();
process.stdout.write(
  JSON.stringify({
    mode: cfg.mode,
    viewers: cfg.viewers,
    seconds: cfg.seconds,
    requests: requestsInWindow,
    rps: requestsInWindow / cfg.seconds,
    mbps: (bytes * 8) / 1e6 / cfg.seconds,
    errors: errors.length,
    keepAliveRetries: retries,
    errorSamples: [...new Set(errors)].slice(0, 10),
    sessions: summary(sessionMs),
    gets: summary(getMs),
  }) + '\n',
);
