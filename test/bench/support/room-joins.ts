/**
 * Join-to-first-frame measurements in real Chromium, for `rooms.bench.ts`.
 *
 * Every page is a blank page of the server's origin (`/healthz`), so all of them can import
 * `/demo/room-client.js` and share one `BroadcastChannel`. A resident joins the onair room
 * with the SDK (fake camera + mic) and also answers raw `RTCPeerConnection` offers that a
 * baseline joiner sends over the channel, with the same captured tracks. A joiner measures
 * in its own page, from `t0` to the first `requestVideoFrameCallback` of each remote video.
 *
 * In-page code is plain JavaScript in strings: test transpilers may wrap named TypeScript
 * functions in helpers (`__name`) that do not exist in the page.
 */
import type { Browser, LoggedPage } from '../../e2e/support/browser.js';
import { newPage, pageLog } from '../../e2e/support/browser.js';

/** One join, as measured in the joiner's page (ms from t0). */
export interface JoinSample {
  /** onair: `connect()` resolved */
  connectMs?: number;
  /** baseline: getUserMedia (camera + mic) just before t0, not part of the other figures */
  captureMs?: number;
  /** first frame of the first remote video */
  firstMs: number;
  /** first frame of the last remote video */
  allMs: number;
  /** first frame per remote (identity / resident id) */
  perRemote: Record<string, number>;
}

/**
 * Shared by both joiners: `watch(key, video)` shows a remote <video> (muted, small) and
 * records its first frame; `settled` resolves once `expected` remotes have one.
 */
const FRAME_WATCH = String.raw`
  const firsts = {};
  let settle;
  const settled = new Promise((resolve) => (settle = resolve));
  const watched = new Set();
  const watch = (key, video) => {
    if (watched.has(key)) return;
    watched.add(key);
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    video.width = 160;
    video.dataset.remote = key;
    document.body.append(video);
    video.play().catch(() => {});
    video.requestVideoFrameCallback((_now, meta) => {
      const at = meta && typeof meta.presentationTime === 'number' ? meta.presentationTime : performance.now();
      firsts[key] = Math.max(0, at - t0);
      if (Object.keys(firsts).length >= expected) settle();
    });
  };
  const timeout = (what) => {
    const expired = new Promise((_, reject) => setTimeout(() => reject(new Error(
      what + ' within ' + timeoutMs + ' ms; remote videos: ' + JSON.stringify([...watched]) +
      ', with a first frame: ' + JSON.stringify(firsts))), timeoutMs));
    expired.catch(() => {}); // only the race reports it
    return expired;
  };
  const summary = () => {
    const values = Object.values(firsts);
    return { firstMs: Math.min(...values), allMs: Math.max(...values), perRemote: firsts };
  };
`;

/** Joiner page: connect with the SDK (it captures camera + mic), wait for every remote's first frame. */
const ONAIR_JOIN = String.raw`async (token, expected, timeoutMs) => {
  const sdk = window.__benchSdk;
  let t0 = 0;
  ${FRAME_WATCH}
  t0 = performance.now();
  const room = await Promise.race([sdk.connect(token, {}), timeout('connect() did not resolve')]);
  const connectMs = performance.now() - t0;
  window.room = room;
  const show = (track, participant) => { if (track.kind === 'video') watch(participant.identity, track.attach()); };
  room.on('trackSubscribed', (track, _pub, participant) => show(track, participant));
  for (const p of room.participants.values()) for (const pub of p.videoTracks.values()) if (pub.track) show(pub.track, p);
  await Promise.race([settled, timeout('not every remote video showed a frame')]);
  return { connectMs, ...summary() };
}`;

/**
 * Joiner page, baseline: no onair in the path. Captures camera + mic (timed apart), then
 * offers a raw RTCPeerConnection to each resident over the BroadcastChannel (trickle ICE).
 */
const BASELINE_JOIN = String.raw`async (channel, session, residents, timeoutMs) => {
  const expected = residents.length;
  let t0 = 0;
  ${FRAME_WATCH}
  const c0 = performance.now();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: true });
  const captureMs = performance.now() - c0;
  const bc = new BroadcastChannel(channel);
  const peers = new Map();
  window.__baseline = { bc, peers, stream, session, residents };
  const post = (m) => bc.postMessage({ ...m, from: 'joiner', session });
  bc.onmessage = ({ data: m }) => {
    if (m.to !== 'joiner' || m.session !== session) return;
    const peer = peers.get(m.from);
    if (!peer) return;
    peer.queue = peer.queue.then(async () => {
      if (m.type === 'answer') await peer.pc.setRemoteDescription(m.description);
      else if (m.type === 'candidate') await peer.pc.addIceCandidate(m.candidate || undefined);
    }).catch((e) => console.error('baseline joiner: ' + m.type + ' from ' + m.from + ' failed: ' + e));
  };
  t0 = performance.now();
  for (const id of residents) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    const peer = { pc, queue: Promise.resolve() };
    peers.set(id, peer);
    for (const track of stream.getTracks()) pc.addTrack(track, stream);
    pc.ontrack = ({ track }) => { if (track.kind === 'video') watch(id, Object.assign(document.createElement('video'), { srcObject: new MediaStream([track]) })); };
    pc.onicecandidate = ({ candidate }) => post({ type: 'candidate', to: id, candidate: candidate ? candidate.toJSON() : null });
    peer.queue = peer.queue.then(async () => {
      await pc.setLocalDescription();
      post({ type: 'offer', to: id, description: pc.localDescription.toJSON() });
    });
  }
  try {
    await Promise.race([settled, timeout('not every remote video showed a frame')]);
  } catch (e) {
    const states = [...peers].map(([id, p]) => id + ': ' + p.pc.signalingState + '/' + p.pc.connectionState);
    throw new Error(e.message + '; peer connections: ' + states.join(', '));
  }
  return { captureMs, ...summary() };
}`;

/** Baseline joiner: hang up (tell the residents, close, stop the camera). */
const BASELINE_LEAVE = String.raw`() => {
  const b = window.__baseline;
  if (!b) return;
  for (const [id, p] of b.peers) { b.bc.postMessage({ type: 'bye', to: id, from: 'joiner', session: b.session }); p.pc.close(); }
  b.stream.getTracks().forEach((t) => t.stop());
  b.bc.close();
  window.__baseline = undefined;
}`;

/**
 * Resident page: joins the onair room with the SDK and shows the others' video; answers
 * baseline offers addressed to `id` with the tracks the SDK captured.
 */
const RESIDENT = String.raw`async (token, channel, id) => {
  const sdk = await import('/demo/room-client.js');
  const room = await sdk.connect(token, {});
  window.room = room;
  const show = (track) => {
    if (track.kind !== 'video') return;
    const v = track.attach();
    v.muted = true;
    v.width = 160;
    document.body.append(v);
  };
  room.on('trackSubscribed', (track) => show(track));
  room.on('trackUnsubscribed', (track) => track.detach().forEach((el) => el.remove()));
  for (const p of room.participants.values()) for (const pub of p.videoTracks.values()) if (pub.track) show(pub.track);

  const tracks = [...room.localParticipant.tracks.values()].map((pub) => pub.track.mediaStreamTrack).filter(Boolean);
  const stream = new MediaStream(tracks);
  const bc = new BroadcastChannel(channel);
  const peers = new Map();
  window.__baselinePeers = peers;
  const post = (m) => bc.postMessage({ ...m, from: id });
  bc.onmessage = ({ data: m }) => {
    if (m.to !== id) return;
    let peer = peers.get(m.session);
    if (m.type === 'bye') {
      if (peer) { peer.pc.close(); peer.videos.forEach((v) => v.remove()); peers.delete(m.session); }
      return;
    }
    if (!peer) {
      if (m.type !== 'offer') return;
      const pc = new RTCPeerConnection({ iceServers: [] });
      peer = { pc, videos: [], queue: Promise.resolve() };
      peers.set(m.session, peer);
      const p = peer;
      pc.onicecandidate = ({ candidate }) => post({ type: 'candidate', to: m.from, session: m.session, candidate: candidate ? candidate.toJSON() : null });
      pc.ontrack = ({ track }) => {
        if (track.kind !== 'video') return;
        const v = Object.assign(document.createElement('video'), { muted: true, autoplay: true, playsInline: true, width: 160, srcObject: new MediaStream([track]) });
        document.body.append(v);
        p.videos.push(v);
      };
    }
    const p = peer;
    p.queue = p.queue.then(async () => {
      if (m.type === 'offer') {
        await p.pc.setRemoteDescription(m.description);
        // after the offer, so the tracks reuse its transceivers (sendrecv, no renegotiation)
        for (const track of tracks) p.pc.addTrack(track, stream);
        await p.pc.setLocalDescription();
        post({ type: 'answer', to: m.from, session: m.session, description: p.pc.localDescription.toJSON() });
      } else if (m.type === 'candidate') {
        await p.pc.addIceCandidate(m.candidate || undefined);
      }
    }).catch((e) => console.error('baseline resident ' + id + ': ' + m.type + ' failed: ' + e));
  };
  return { sid: room.localParticipant.sid, tracks: tracks.map((t) => t.kind).sort() };
}`;

const SHOWN_VIDEOS = String.raw`() => [...document.querySelectorAll('video')].filter((v) => v.readyState >= 2 && v.videoWidth > 0).length`;

export const BASELINE_CHANNEL = 'onair-bench-baseline';

export class JoinError extends Error {
  override name = 'JoinError';
}

/** Wraps a page step so that its failure carries the logs of the pages involved. */
async function withLog<T>(what: string, pages: Record<string, LoggedPage>, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    const logs = Object.entries(pages).map(([name, page]) => `--- ${name} page log:\n${pageLog(page)}`);
    throw new JoinError([`${what}: ${(err as Error).message}`, ...logs].join('\n'));
  }
}

const pagesOf = (joiner: LoggedPage, residents: Resident[]): Record<string, LoggedPage> =>
  Object.fromEntries([['joiner', joiner], ...residents.map((r) => [r.id, r.page])]);

export interface Resident {
  id: string;
  page: LoggedPage;
}

/** Opens a resident page and joins the room; also ready to answer baseline offers as `id`. */
export async function openResident(browser: Browser, base: string, token: string, id: string): Promise<Resident> {
  const page = await newPage(browser);
  await page.goto(`${base}/healthz`);
  const joined = (await withLog(`resident ${id} could not join`, { [id]: page }, () =>
    page.evaluate(`(${RESIDENT})(${JSON.stringify(token)}, ${JSON.stringify(BASELINE_CHANNEL)}, ${JSON.stringify(id)})`),
  )) as { tracks: string[] };
  if (joined.tracks.join() !== 'audio,video') {
    throw new JoinError(`resident ${id} publishes ${JSON.stringify(joined.tracks)}, expected audio and video\n${pageLog(page)}`);
  }
  return { id, page };
}

/** Waits until every resident shows `count` decoding remote videos (the room is in steady state). */
export async function waitForResidentVideos(residents: Resident[], count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const r of residents) {
    for (;;) {
      const shown = (await r.page.evaluate(`(${SHOWN_VIDEOS})()`)) as number;
      if (shown >= count) break;
      if (Date.now() > deadline) {
        throw new JoinError(`resident ${r.id} shows ${shown} of ${count} remote videos after ${timeoutMs} ms\n${pageLog(r.page)}`);
      }
      await sleep(100);
    }
  }
}

/** Waits until every resident's room lists `count` remote participants (a leave was processed). */
export async function waitForRoomSize(residents: Resident[], count: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const r of residents) {
    for (;;) {
      const size = (await r.page.evaluate('window.room.participants.size')) as number;
      if (size === count) break;
      if (Date.now() > deadline) {
        throw new JoinError(`resident ${r.id} lists ${size} remote participants, expected ${count}\n${pageLog(r.page)}`);
      }
      await sleep(50);
    }
  }
}

/** Loads a fresh blank page of the server's origin in the joiner's window. */
async function freshPage(page: LoggedPage, base: string, importSdk: boolean): Promise<void> {
  page.log.length = 0;
  await page.goto(`${base}/healthz`);
  if (importSdk) await page.evaluate(`import('/demo/room-client.js').then((sdk) => { window.__benchSdk = sdk; })`);
}

/** One onair join in `page` (a video from every resident expected): measured, then `room.disconnect()`. */
export async function onairJoin(
  page: LoggedPage,
  base: string,
  token: string,
  residents: Resident[],
  timeoutMs = 20_000,
): Promise<JoinSample> {
  await freshPage(page, base, true);
  try {
    return (await withLog('onair join failed', pagesOf(page, residents), () =>
      page.evaluate(`(${ONAIR_JOIN})(${JSON.stringify(token)}, ${residents.length}, ${timeoutMs})`),
    )) as JoinSample;
  } finally {
    await page.evaluate('window.room && window.room.disconnect()').catch(() => undefined);
  }
}

/** One baseline join in `page`: raw peer connections to `residents`, measured, then hung up. */
export async function baselineJoin(
  page: LoggedPage,
  base: string,
  session: string,
  residents: Resident[],
  timeoutMs = 20_000,
): Promise<JoinSample> {
  await freshPage(page, base, false);
  const ids = residents.map((r) => r.id);
  try {
    return (await withLog('baseline join failed', pagesOf(page, residents), () =>
      page.evaluate(
        `(${BASELINE_JOIN})(${JSON.stringify(BASELINE_CHANNEL)}, ${JSON.stringify(session)}, ${JSON.stringify(ids)}, ${timeoutMs})`,
      ),
    )) as JoinSample;
  } finally {
    await page.evaluate(`(${BASELINE_LEAVE})()`).catch(() => undefined);
  }
}

/** Waits until no resident holds a baseline connection any more. */
export async function waitForBaselineHangup(residents: Resident[], timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const r of residents) {
    while (((await r.page.evaluate('window.__baselinePeers.size')) as number) > 0) {
      if (Date.now() > deadline) throw new JoinError(`resident ${r.id} still holds a baseline connection\n${pageLog(r.page)}`);
      await sleep(20);
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Nearest-rank percentile (with 10 samples, p95 is the slowest one). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
