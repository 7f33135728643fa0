/**
 * When the origin lists each new LL-HLS part, against the media time it ends at, for
 * `distributed.bench.ts`: one playback session (a PlaybackGrant, as a viewer), then blocking
 * reloads (`index.m3u8?_HLS_msn=M&_HLS_part=P`) for the part after the last one listed, as
 * hls.js does. Each answer lists a new part; its lag is the answer's wall time − the part's
 * end in wall time (its segment's EXT-X-PROGRAM-DATE-TIME + the parts before it + its own
 * DURATION). With the packager on the server the part is listed as it is written; on a
 * worker, once its push reached the origin: the difference between the setups is what the
 * push to the origin adds (on top of the same capture → ffmpeg → packager path).
 */
import { playbackGrant, viewerToken } from '../../e2e/support/playback.js';
import type { RunningServer } from '../../e2e/support/server.js';

interface Edge {
  /** the next part to ask for */
  msn: number;
  part: number;
  /** wall ms where the last listed part ends; undefined without a PROGRAM-DATE-TIME */
  lastPartEnd: number | undefined;
}

function parseEdge(text: string): Edge {
  let sequence = 0;
  let segments = 0;
  let openParts = 0;
  let cursor: number | undefined;
  let extinf = 0;
  let partsMs = 0;
  let lastPartEnd: number | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXT-X-MEDIA-SEQUENCE:')) sequence = Number(line.slice(22));
    else if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) {
      cursor = Date.parse(line.slice(25));
      partsMs = 0;
    } else if (line.startsWith('#EXTINF:')) extinf = Number.parseFloat(line.slice(8));
    else if (line.startsWith('#EXT-X-PART:')) {
      partsMs += Number(/DURATION=([\d.]+)/.exec(line)?.[1] ?? 0) * 1000;
      lastPartEnd = cursor === undefined ? undefined : cursor + partsMs;
      openParts++;
    } else if (line && !line.startsWith('#')) {
      segments++;
      openParts = 0; // the parts after the last segment URI belong to the open segment
      if (cursor !== undefined) cursor += extinf * 1000;
      partsMs = 0;
    }
  }
  return { msn: sequence + segments, part: openParts, lastPartEnd };
}

/** Watches the stream's live edge at the origin for `seconds`; resolves with each new part's lag, ms. */
export async function partArrivalLags(server: RunningServer, streamerSid: string, seconds: number): Promise<number[]> {
  const grant = await playbackGrant(server, streamerSid, { Ttl: '60' });
  const playbackUrl = grant.playbackUrl.replace(/^https?:\/\/[^/]+/, server.url);
  const session = await fetch(playbackUrl, { method: 'POST', headers: { authorization: `Bearer ${viewerToken(server, grant)}` } });
  if (session.status !== 200) throw new Error(`playback session: HTTP ${session.status} ${await session.text()}`);
  const playlistUrl = new URL(((await session.json()) as { playlistUrl: string }).playlistUrl, server.url);
  const get = async (next?: Edge) => {
    const url = new URL(playlistUrl);
    if (next) {
      url.searchParams.set('_HLS_msn', String(next.msn));
      url.searchParams.set('_HLS_part', String(next.part));
    }
    const res = await fetch(url);
    if (res.status !== 200) throw new Error(`${url.pathname}${url.search}: HTTP ${res.status}`);
    return res.text();
  };
  let edge = parseEdge(await get());
  const lags: number[] = [];
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const text = await get(edge);
    const at = Date.now();
    edge = parseEdge(text);
    if (edge.lastPartEnd !== undefined) lags.push(at - edge.lastPartEnd);
  }
  return lags;
}
