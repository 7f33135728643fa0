// Simulated HLS viewers for test/bench/ll-origin.bench.ts, run as a child process so the load
// generator does not share an event loop with anything it measures.
//
// argv[2]: JSON {mode: "ll" | "standard", viewers, seconds, joinMs, windowStart (epoch ms),
//                playbackUrl, token, origin}
// Viewer i joins at i * joinMs / viewers: opens a session (POST <playbackUrl>, Bearer token),
// GETs the playlist and the init section once, then plays until windowStart + seconds:
//
// - "ll", as hls.js in low-latency mode: starts 3 parts behind the live edge; then loops:
//   a blocking reload `index.m3u8?_HLS_msn=M&_HLS_part=P` for the part after the last one
//   listed (held by the origin until it exists) and, alongside, the part named by
//   EXT-X-PRELOAD-HINT (held until it is written) and any listed part it has not got yet
//   (one at a time). No whole segments: a player at the live edge plays parts.
// - "standard": polls the playlist every target duration and fetches every new segment
//   (starting 3 segments behind the live edge).
//
// Only requests that end inside the window [windowStart, windowStart + seconds] count for
// rates and latencies; errors count whenever they happen (joins included). Any non-200
// answer, truncated body or socket error is an error: a playing viewer has no expected
// refusal (hinted parts always come, reloads never ask past the Advance Part Limit).
// Prints one JSON line: counts, errors, latencies (p50/p90/p99/max ms) for sessions, held
// blocking reloads, held preload-hint parts and the other GETs, and how many requests were
// held open on average over the window.
import { ViewerHttp, describeFailure, summary } from './viewer-http.mjs';

const cfg = JSON.parse(process.argv[2]);
const http = new ViewerHttp(cfg.viewers * 4);
const headers = { origin: cfg.origin };
const windowStart = cfg.windowStart;
const deadline = windowStart + cfg.seconds * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const sessionMs = [];
/** per kind, latencies of the requests that ended in the window */
const latencies = { reload: [], hint: [], get: [] };
const errors = [];
let requests = 0;
let bytes = 0;
/** ms that held requests (reloads, hinted parts) were open inside the window, summed */
let heldOpenMs = 0;

/** GET `url` (relative to `base`), counted as `kind` ('reload' | 'hint' | 'get'); never rejects. */
async function fetchOne(kind, base, uri) {
  const start = Date.now();
  const res = await http.get('GET', base + uri, headers);
  const end = Date.now();
  if (kind !== 'get') heldOpenMs += Math.max(0, Math.min(end, deadline) - Math.max(start, windowStart));
  if (end >= windowStart && end <= deadline) {
    requests++;
    bytes += res.size ?? 0;
    latencies[kind].push(res.ms);
  }
  if (res.status !== 200 || !res.complete) errors.push(describeFailure(`${kind} ${uri}`, res));
  return res;
}

/** What a player reads from a media playlist. */
function parsePlaylist(text) {
  const out = { mediaSequence: 0, segments: [], parts: [], openParts: 0, hint: undefined, map: undefined, targetMs: 2000 };
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const uri = /URI="([^"]+)"/.exec(line)?.[1];
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) out.mediaSequence = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-TARGETDURATION:')) out.targetMs = Number(line.slice(22)) * 1000;
    else if (line.startsWith('#EXT-X-MAP:')) out.map = uri;
    else if (line.startsWith('#EXT-X-PART:')) {
      out.parts.push(uri);
      out.openParts++;
    } else if (line.startsWith('#EXT-X-PRELOAD-HINT:') && line.includes('TYPE=PART')) out.hint ??= uri;
    else if (line && !line.startsWith('#')) {
      out.segments.push(line);
      out.openParts = 0; // the parts after the last segment URI belong to the open segment
    }
  }
  out.openMsn = out.mediaSequence + out.segments.length;
  return out;
}

async function llViewer(base, first) {
  const got = new Set(first.parts.slice(0, -3)); // a player joins PART-HOLD-BACK (3 parts) behind the edge
  const hints = new Set();
  let playlist = first;
  while (Date.now() < deadline) {
    const reload = fetchOne('reload', base, `index.m3u8?_HLS_msn=${playlist.openMsn}&_HLS_part=${playlist.openParts}`);
    if (playlist.hint && !got.has(playlist.hint)) {
      got.add(playlist.hint);
      const hinted = fetchOne('hint', base, playlist.hint);
      hints.add(hinted);
      void hinted.then(() => hints.delete(hinted));
    }
    for (const part of playlist.parts) {
      if (got.has(part)) continue;
      got.add(part);
      await fetchOne('get', base, part);
    }
    const res = await reload;
    if (res.status === 200) playlist = parsePlaylist(res.body);
    else {
      // counted; start over from a plain reload, as a player recovering would
      await sleep(1000);
      const plain = await fetchOne('get', base, 'index.m3u8');
      if (plain.status === 200) playlist = parsePlaylist(plain.body);
    }
  }
  await Promise.all(hints);
}

async function standardViewer(base, first) {
  const got = new Set(first.segments.slice(0, -3)); // three segments behind the edge, as a player starts
  let playlist = first;
  for (;;) {
    const t0 = Date.now();
    for (const segment of playlist.segments) {
      if (got.has(segment)) continue;
      got.add(segment);
      await fetchOne('get', base, segment);
    }
    await sleep(Math.max(0, t0 + playlist.targetMs - Date.now()));
    if (Date.now() >= deadline) return;
    const res = await fetchOne('get', base, 'index.m3u8');
    if (res.status === 200) playlist = parsePlaylist(res.body);
  }
}

async function viewer(index) {
  await sleep((index * cfg.joinMs) / cfg.viewers); // viewers arrive over joinMs, not all at once
  const session = await http.get('POST', cfg.playbackUrl, { ...headers, authorization: `Bearer ${cfg.token}` });
  sessionMs.push(session.ms);
  if (session.status !== 200) return errors.push(describeFailure('session', session));
  const playlistUrl = JSON.parse(session.body).playlistUrl;
  const base = playlistUrl.slice(0, playlistUrl.lastIndexOf('/') + 1);
  const res = await fetchOne('get', base, 'index.m3u8');
  if (res.status !== 200) return;
  const first = parsePlaylist(res.body);
  if (first.map) await fetchOne('get', base, first.map);
  await (cfg.mode === 'll' ? llViewer(base, first) : standardViewer(base, first));
}

await Promise.all(Array.from({ length: cfg.viewers }, (_, i) => viewer(i)));
http.destroy();
process.stdout.write(
  JSON.stringify({
    mode: cfg.mode,
    viewers: cfg.viewers,
    seconds: cfg.seconds,
    requests,
    rps: requests / cfg.seconds,
    mbps: (bytes * 8) / 1e6 / cfg.seconds,
    heldOpen: heldOpenMs / (cfg.seconds * 1000),
    errors: errors.length,
    keepAliveRetries: http.retries,
    errorSamples: [...new Set(errors)].slice(0, 10),
    sessions: summary(sessionMs),
    reloads: summary(latencies.reload),
    hints: summary(latencies.hint),
    gets: summary(latencies.get),
  }) + '\n',
);
