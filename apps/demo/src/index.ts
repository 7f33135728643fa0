/**
 * The demo page (`/demo/`): create a room, mint speaker links, start and stop a composed
 * stream, open the audience view, and a dashboard of rooms, participants, streamers (with
 * viewer counts) and processors, polled from `/demo/api/dashboard`. Every call goes to
 * the server's /demo/api routes, which hold the credentials. When the server is exposed
 * (bound off loopback) /demo/api asks for the API credentials too: the page asks for them
 * once (credentials.ts) and sends them as HTTP Basic from this tab's sessionStorage.
 *
 * For people and automation alike:
 *   <body data-state>         loading | ready | error   (the last dashboard poll)
 *   <body data-polls>         dashboard polls completed (wait for a fresh one after an action)
 *   <body data-action-state>  idle | busy | ok | error  (the last button action; ok/error once
 *                             the dashboard shows its result)
 *   <body data-error-code>    the Twilio error code of the last failure (cleared on success)
 *   <body data-auth>          required while the credentials form is shown (/demo/api answered 401)
 *   #room-name-input, #create-room
 *   .room[data-room-name][data-room-sid][data-status], inside it
 *     li.participant[data-identity][data-participant-sid][data-status]
 *     button[data-action=add-speaker|start-stream|stop-stream][data-room], a[data-action=watch]
 *     a.speaker-link[data-identity] (target _blank)
 *   #streamers tr[data-streamer-sid][data-room][data-status][data-viewers]
 *   #processors tr[data-processor-sid][data-room][data-status][data-worker] (the worker running it, while it runs)
 */
import { authorization, credentialsForm } from './credentials.js';
import { byId } from './dom.js';

interface Participant { sid: string; identity: string; status: string }
interface RoomView { sid: string; name: string; status: string; participants: Participant[] }
interface StreamerView { sid: string; status: string; endedReason: string | null; room: string | null; viewers: number; watchUrl: string }
interface ProcessorView { sid: string; status: string; endedReason: string | null; room: string | null; outputs: string[]; worker?: string | null }
interface Dashboard { rooms: RoomView[]; streamers: StreamerView[]; processors: ProcessorView[] }
interface SpeakerLink { identity: string; url: string }

const POLL_MS = 2000;

class DemoApiError extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

const el = <T extends HTMLElement>(id: string): T => byId<T>(id, 'index.html');

const body = document.body;
const ui = {
  status: el<HTMLParagraphElement>('status'),
  notice: el<HTMLDivElement>('notice'),
  form: el<HTMLFormElement>('create-room-form'),
  input: el<HTMLInputElement>('room-name-input'),
  rooms: el<HTMLDivElement>('rooms'),
  roomsEmpty: el<HTMLParagraphElement>('rooms-empty'),
  streamers: el<HTMLTableSectionElement>('streamers'),
  processors: el<HTMLTableSectionElement>('processors'),
};

/** Speaker links minted in this page, by room name (tokens are shown once, never listed by the server). */
const speakerLinks = new Map<string, SpeakerLink[]>();
let dashboard: Dashboard | undefined;
let rendered = '';

// ---- calls to /demo/api ------------------------------------------------------------------

async function call<T>(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<T> {
  let res: Response;
  try {
    const auth = authorization();
    res = await fetch(`/demo/api${path}`, {
      method,
      headers: {
        ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...(auth ? { authorization: auth } : {}),
      },
      ...(method === 'POST' ? { body: JSON.stringify(payload ?? {}) } : {}),
      cache: 'no-store',
      // no cookies and no credentials the browser cached: a 401 comes back here (no browser prompt)
      credentials: 'omit',
    });
  } catch (err) {
    throw new DemoApiError(20503, `The server could not be reached (${String(err)})`);
  }
  const json = (await res.json().catch(() => undefined)) as (T & { code?: number; message?: string }) | undefined;
  if (res.status === 401) askCredentials.onRefused();
  if (!res.ok || json === undefined) {
    throw new DemoApiError(json?.code ?? 20500, json?.message ?? `The server answered ${res.status}`);
  }
  return json;
}

function showError(err: unknown): void {
  const code = err instanceof DemoApiError ? err.code : 20500;
  const message = err instanceof Error ? err.message : String(err);
  body.dataset.errorCode = String(code);
  const p = document.createElement('p');
  p.textContent = `${message} (error ${code})`;
  ui.notice.replaceChildren(p);
  ui.notice.hidden = false;
}

function clearError(): void {
  delete body.dataset.errorCode;
  ui.notice.hidden = true;
}

/** Runs a button action: busy while it runs, ok or error after, then a fresh poll. */
async function act(run: () => Promise<void>): Promise<void> {
  body.dataset.actionState = 'busy';
  let outcome: 'ok' | 'error' = 'ok';
  try {
    await run();
    clearError();
  } catch (err) {
    showError(err);
    outcome = 'error';
  }
  rendered = ''; // re-render even if nothing changed: the clicked button was disabled
  await poll();
  // set once the dashboard shows the action's result
  body.dataset.actionState = outcome;
}

// ---- rendering ---------------------------------------------------------------------------

function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | undefined> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const badge = (status: string) => h('span', { class: 'badge', 'data-status': status }, status);
const isLive = (s: StreamerView) => s.status === 'created' || s.status === 'started';

function roomCard(room: RoomView, streamers: StreamerView[]): HTMLElement {
  const live = streamers.find((s) => isLive(s) && (s.room === room.name || s.room === room.sid));
  const inProgress = room.status === 'in-progress';
  const participants = room.participants.length
    ? h('ul', {}, ...room.participants.map((p) =>
        h('li', { class: 'participant', 'data-participant-sid': p.sid, 'data-identity': p.identity, 'data-status': p.status }, p.identity, ' ', badge(p.status))))
    : h('p', { class: 'empty' }, inProgress ? 'No participants yet.' : 'Ended.');
  const actions = h('div', { class: 'actions' });
  if (inProgress) {
    actions.append(h('button', { type: 'button', 'data-action': 'add-speaker', 'data-room': room.name }, 'Add speaker link'));
    if (live) {
      actions.append(
        h('button', { type: 'button', class: 'danger', 'data-action': 'stop-stream', 'data-room': room.name, 'data-streamer': live.sid }, 'Stop stream'),
        h('a', { class: 'button', href: live.watchUrl, target: '_blank', rel: 'noopener', 'data-action': 'watch', 'data-streamer': live.sid }, 'Watch'),
      );
    } else {
      actions.append(h('button', { type: 'button', class: 'primary', 'data-action': 'start-stream', 'data-room': room.name }, 'Start stream'));
    }
  }
  const links = speakerLinks.get(room.name) ?? [];
  const linkList = h('ul', { class: 'links' }, ...links.map((l) =>
    h('li', {}, h('a', { class: 'speaker-link', href: l.url, target: '_blank', rel: 'noopener', 'data-identity': l.identity, 'data-room': room.name }, `Speaker ${l.identity}`))));
  return h('article', { class: 'room', 'data-room-sid': room.sid, 'data-room-name': room.name, 'data-status': room.status },
    h('h3', {}, room.name, badge(room.status)),
    participants,
    actions,
    ...(links.length && inProgress ? [linkList] : []));
}

function render(): void {
  if (!dashboard) return;
  // re-render only what changed, so a button is not replaced under the pointer for nothing
  const snapshot = JSON.stringify([dashboard, [...speakerLinks]]);
  if (snapshot === rendered) return;
  rendered = snapshot;
  const { rooms, streamers, processors } = dashboard;
  ui.rooms.replaceChildren(...rooms.map((r) => roomCard(r, streamers)));
  ui.roomsEmpty.hidden = rooms.length > 0;
  ui.streamers.replaceChildren(...streamers.map((s) =>
    h('tr', { 'data-streamer-sid': s.sid, 'data-room': s.room ?? '', 'data-status': s.status, 'data-viewers': String(s.viewers) },
      h('td', { class: 'sid' }, s.sid), h('td', {}, s.room ?? '—'), h('td', {}, badge(s.status)),
      h('td', {}, s.endedReason ?? ''), h('td', { class: 'viewers' }, String(s.viewers)),
      h('td', {}, isLive(s) ? h('a', { href: s.watchUrl, target: '_blank', rel: 'noopener' }, 'Watch') : ''))));
  if (!streamers.length) ui.streamers.append(h('tr', {}, h('td', { colspan: '6', class: 'empty' }, 'No streams yet.')));
  ui.processors.replaceChildren(...processors.map((p) =>
    h('tr', { 'data-processor-sid': p.sid, 'data-room': p.room ?? '', 'data-status': p.status, 'data-worker': p.worker ?? '' },
      h('td', { class: 'sid' }, p.sid), h('td', {}, p.room ?? '—'), h('td', { class: 'sid' }, p.outputs.join(', ')),
      h('td', {}, badge(p.status)), h('td', {}, p.endedReason ?? ''), h('td', { class: 'worker' }, p.worker ?? ''))));
  if (!processors.length) ui.processors.append(h('tr', {}, h('td', { colspan: '6', class: 'empty' }, 'No processors yet.')));
}

// ---- polling -----------------------------------------------------------------------------

let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<void> | undefined;

/** One poll at a time: a poll asked for while one runs starts after it (fresh data), then the timer. */
function poll(): Promise<void> {
  if (inflight) return inflight.then(() => poll());
  clearTimeout(timer);
  inflight = refresh().finally(() => {
    inflight = undefined;
    timer = setTimeout(() => void poll(), POLL_MS);
  });
  return inflight;
}

async function refresh(): Promise<void> {
  if (body.dataset.auth === 'required') return; // waiting for the credentials form
  try {
    dashboard = await call<Dashboard>('GET', '/dashboard');
    body.dataset.state = 'ready';
    ui.status.textContent = `Updated ${new Date().toLocaleTimeString()}`;
    render();
  } catch (err) {
    body.dataset.state = 'error';
    ui.status.textContent = 'Dashboard unavailable';
    showError(err);
  }
  body.dataset.polls = String(Number(body.dataset.polls ?? '0') + 1);
}

// ---- actions -----------------------------------------------------------------------------

const askCredentials = credentialsForm(() => {
  clearError();
  void poll();
});

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const name = ui.input.value.trim();
  void act(async () => {
    await call('POST', '/rooms', { name });
    ui.input.value = '';
  });
});

ui.rooms.addEventListener('click', (event) => {
  const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
  if (!button || button.disabled) return;
  const room = button.dataset['room'] ?? '';
  button.disabled = true;
  switch (button.dataset['action']) {
    case 'add-speaker':
      void act(async () => {
        const link = await call<SpeakerLink>('POST', `/rooms/${encodeURIComponent(room)}/speakers`);
        speakerLinks.set(room, [...(speakerLinks.get(room) ?? []), { identity: link.identity, url: link.url }]);
      });
      break;
    case 'start-stream':
      void act(async () => void (await call('POST', `/rooms/${encodeURIComponent(room)}/stream`)));
      break;
    case 'stop-stream':
      void act(async () => void (await call('POST', `/streams/${encodeURIComponent(button.dataset['streamer'] ?? '')}/stop`)));
      break;
  }
});

void poll();
