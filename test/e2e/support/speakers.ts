/**
 * Speakers in real Chromium: the `/demo/speaker` page, and bare SDK pages that import
 * `/demo/room-client.js` (for what the demo page does not do, such as joining hidden).
 */
import type { Browser, LoggedPage } from './browser.js';
import { newPage, pageLog } from './browser.js';

export type SpeakerState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'error';

/** Records every `data-state` the page's <body> takes, in `window.__states`. */
const RECORD_STATES = `(() => {
  window.__states = [];
  new MutationObserver(() => {
    const s = document.body && document.body.dataset.state;
    if (s && window.__states[window.__states.length - 1] !== s) window.__states.push(s);
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
})()`;

/** Opens `/demo/speaker?token=…` (through `base`, the server or a proxy in front of it). */
export async function openSpeaker(
  browser: Browser,
  base: string,
  token: string,
  query: Record<string, string> = {},
): Promise<LoggedPage> {
  const page = await newPage(browser);
  await page.evaluateOnNewDocument(RECORD_STATES);
  const qs = new URLSearchParams({ token, ...query });
  await page.goto(`${base}/demo/speaker?${qs}`);
  return page;
}

/** Waits until the page's body has `data-state=state`; fails with the page's log otherwise. */
export async function waitForState(page: LoggedPage, state: SpeakerState, timeoutMs = 20_000): Promise<void> {
  try {
    await page.waitForSelector(`body[data-state="${state}"]`, { timeout: timeoutMs });
  } catch (err) {
    const seen = await page.evaluate('JSON.stringify({states: window.__states, error: document.body.dataset.errorCode})');
    throw new Error(`page never reached data-state=${state} (${seen}): ${(err as Error).message}\n${pageLog(page)}`);
  }
}

/** Every data-state the page has taken, in order. */
export const statesOf = (page: LoggedPage) => page.evaluate('window.__states') as Promise<SpeakerState[]>;

/** The identities of the remote tiles on a speaker page, sorted. */
export const tileIdentities = (page: LoggedPage) =>
  page.$$eval('li.tile[data-identity]', (tiles) => tiles.map((t) => t.getAttribute('data-identity')!).sort());

/**
 * Runs in an SDK page: joins with `connect(token, options)`, attaches every subscribed
 * video track in a `div[data-identity]`, and keeps the room in `window.room` and the
 * participant events in `window.events`.
 */
const SDK_JOIN = String.raw`async (token, options) => {
  const sdk = await import('/demo/room-client.js');
  window.events = [];
  const room = await sdk.connect(token, options);
  window.room = room;
  const show = (track, participant) => {
    if (track.kind !== 'video') return;
    const box = document.createElement('div');
    box.dataset.identity = participant.identity;
    box.dataset.participantSid = participant.sid;
    const v = track.attach();
    v.muted = true;
    box.append(v);
    document.body.append(box);
  };
  room.on('trackSubscribed', (track, _pub, participant) => show(track, participant));
  room.on('trackUnsubscribed', (track) => track.detach().forEach((el) => el.parentElement && el.parentElement.remove()));
  room.on('participantConnected', (p) => window.events.push('connected:' + p.identity));
  room.on('participantDisconnected', (p) => window.events.push('disconnected:' + p.identity));
  for (const p of room.participants.values()) for (const pub of p.videoTracks.values()) if (pub.track) show(pub.track, p);
  return { sid: room.localParticipant.sid, participants: [...room.participants.values()].map((p) => p.identity).sort() };
}`;

export interface SdkJoin {
  sid: string;
  participants: string[];
}

/** Opens a blank page of the server's origin and joins with the SDK bundle. */
export async function joinWithSdk(
  browser: Browser,
  base: string,
  token: string,
  options: Record<string, unknown> = {},
): Promise<{ page: LoggedPage; joined: SdkJoin }> {
  const page = await newPage(browser);
  await page.goto(`${base}/healthz`);
  const joined = (await page.evaluate(`(${SDK_JOIN})(${JSON.stringify(token)}, ${JSON.stringify(options)})`)) as SdkJoin;
  return { page, joined };
}
