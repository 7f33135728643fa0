// Simulated HLS viewers for test/bench/playback.bench.ts, run as a child process so the
// load generator does not share an event loop with anything it measures.
//
// argv[2]: JSON {mode: "origin" | "static", viewers, seconds, pollMs, joinMs?, playbackUrl?,
//                token?, playlistUrl?, origin?}
// Each viewer: (origin mode) opens a session with POST <playbackUrl> once, then polls the
// playlist every pollMs and fetches the init section once and every segment it has not
// fetched yet (starting 3 segments behind the live edge, as a player does). Prints one JSON
// line: counts, errors, latencies (p50/p90/p99/max ms) for sessions and for GETs.
import { ViewerHttp, describeFailure, summary } from './viewer-http.mjs';

const cfg = JSON.parse(process.argv[2]);
const http = new ViewerHttp(cfg.viewers * 2);
const get = (method, url, headers) => http.get(method, url, headers);

const sessionMs = [];
const getMs = [];
const errors = [];
let bytes = 0;
let requestsInWindow = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function fail(what, res) {
  errors.push(describeFailure(what, res));
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

const windowStart = Date.now() + (cfg.joinMs ?? 0) + 1_000; // sessions are opened before the measured window
const deadline = windowStart + cfg.seconds * 1000;
await Promise.all(Array.from({ length: cfg.viewers }, (_, i) => viewer(i, windowStart, deadline)));
http.destroy();
process.stdout.write(
  JSON.stringify({
    mode: cfg.mode,
    viewers: cfg.viewers,
    seconds: cfg.seconds,
    requests: requestsInWindow,
    rps: requestsInWindow / cfg.seconds,
    mbps: (bytes * 8) / 1e6 / cfg.seconds,
    errors: errors.length,
    keepAliveRetries: http.retries,
    errorSamples: [...new Set(errors)].slice(0, 10),
    sessions: summary(sessionMs),
    gets: summary(getMs),
  }) + '\n',
);
