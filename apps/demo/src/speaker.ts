/**
 * The speaker page (`/demo/speaker?token=<access token>[&room=NAME]`): joins the token's
 * room (or `room` when the token names none), publishes camera and microphone, and shows
 * everyone else in a grid.
 *
 * For people and automation alike, `<body>` carries:
 *   data-state                connecting | connected | reconnecting | disconnected | error
 *   data-error-code           set when an error occurred: the RoomError's code (e.g. 20101
 *                             token refused, 53118 room completed, 53216 removed), or 53000
 *                             when the error carries none (camera/microphone failures too)
 *   data-error-name           for errors without a code: the DOMException/Error name
 *                             (NotAllowedError, NotFoundError, NotReadableError, …)
 *   data-room-sid, data-room-name, data-participant-sid, data-identity   once connected
 *   data-mic, data-camera     on | off
 * Each remote participant is an `li.tile[data-participant-sid][data-identity]` holding a
 * <video> per video track and a hidden <audio> per audio track (each with
 * `data-track-sid`), and `data-video`/`data-audio` = on | off as the participant mutes.
 * The own preview is `video#local-video` (muted).
 */
import { connect, type LocalTrackPublication, type Room } from '@onair/room-client';
import { byId } from './dom.js';
import { ParticipantGrid } from './participant-grid.js';

type State = 'connecting' | 'connected' | 'reconnecting' | 'disconnected' | 'error';

/** No code from the SDK (camera/microphone failures, unexpected exceptions). */
const UNKNOWN_ERROR_CODE = 53000;
/** The page was opened without a token. */
const TOKEN_INVALID_CODE = 20101;

const el = <T extends HTMLElement>(id: string): T => byId<T>(id, 'speaker.html');

const body = document.body;
const ui = {
  status: el<HTMLParagraphElement>('status'),
  roomName: el<HTMLSpanElement>('room-name'),
  notice: el<HTMLDivElement>('notice'),
  grid: el<HTMLUListElement>('grid'),
  localVideo: el<HTMLVideoElement>('local-video'),
  localLabel: el<HTMLElement>('local-label'),
  mute: el<HTMLButtonElement>('mute'),
  camera: el<HTMLButtonElement>('camera'),
  enableAudio: el<HTMLButtonElement>('enable-audio'),
  leave: el<HTMLButtonElement>('leave'),
};

// ---- state and errors -----------------------------------------------------------------

const STATUS_TEXT: Record<State, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  disconnected: 'Disconnected',
  error: 'Could not join',
};

function setState(state: State, text?: string): void {
  body.dataset.state = state;
  ui.status.textContent = text ?? STATUS_TEXT[state];
  const live = state === 'connected' || state === 'reconnecting';
  ui.mute.disabled = !live;
  ui.camera.disabled = !live;
  ui.leave.disabled = !(live || state === 'connecting');
}

interface ErrorInfo {
  code: number;
  message: string;
  name?: string;
}

const MEDIA_ERRORS: Record<string, string> = {
  NotAllowedError: 'Access to the camera or microphone was denied. Allow it in the browser and reload.',
  PermissionDeniedError: 'Access to the camera or microphone was denied. Allow it in the browser and reload.',
  NotFoundError: 'No camera or microphone was found.',
  DevicesNotFoundError: 'No camera or microphone was found.',
  NotReadableError: 'The camera or microphone is in use by another application.',
  TrackStartError: 'The camera or microphone is in use by another application.',
  OverconstrainedError: 'The camera cannot provide the requested video.',
  SecurityError: 'Camera and microphone need a secure page (https:// or localhost).',
  AbortError: 'Starting the camera or microphone was interrupted.',
};

/** Reads a code and message from a RoomError ({code, message}), a DOMException, or anything. */
function errorInfo(err: unknown): ErrorInfo {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; name?: unknown };
    const message = typeof e.message === 'string' && e.message ? e.message : String(err);
    const name = typeof e.name === 'string' ? e.name : undefined;
    if (typeof e.code === 'number' && e.code >= 10000) return { code: e.code, message };
    if (typeof e.code === 'string' && /^\d{5}$/.test(e.code)) return { code: Number(e.code), message };
    const media = name ? MEDIA_ERRORS[name] : undefined;
    if (media) return { code: UNKNOWN_ERROR_CODE, name: name!, message: `${media} (${message})` };
    return { code: UNKNOWN_ERROR_CODE, message, ...(name ? { name } : {}) };
  }
  return { code: UNKNOWN_ERROR_CODE, message: String(err) };
}

function describe(info: ErrorInfo): string {
  if (info.code >= 20101 && info.code <= 20107) return `The access token was refused: ${info.message}`;
  return info.message;
}

function showNotice(kind: 'error' | 'info', lines: (string | Node)[]): void {
  ui.notice.dataset.kind = kind;
  ui.notice.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  ui.notice.replaceChildren(
    ...lines.map((line) => {
      const p = document.createElement('p');
      p.append(line);
      return p;
    }),
  );
  ui.notice.hidden = false;
}

function recordError(info: ErrorInfo): void {
  body.dataset.errorCode = String(info.code);
  if (info.name) body.dataset.errorName = info.name;
  else delete body.dataset.errorName;
}

/** Could not join (or a fatal failure): state `error`. */
function fail(info: ErrorInfo): void {
  recordError(info);
  setState('error', `Could not join (error ${info.code})`);
  const code = document.createElement('code');
  code.textContent = `error ${info.code}${info.name ? ` · ${info.name}` : ''}`;
  showNotice('error', [describe(info), code]);
  console.error(`[speaker] ${info.code}${info.name ? ` ${info.name}` : ''}: ${info.message}`);
}

// ---- remote participants --------------------------------------------------------------

/** Autoplay with sound can be refused without a user gesture: offer a button then. */
function play(media: HTMLMediaElement): void {
  const p = media.play();
  if (p) {
    p.catch((err: unknown) => {
      if ((err as { name?: string } | null)?.name === 'NotAllowedError') ui.enableAudio.hidden = false;
    });
  }
}

const participants = new ParticipantGrid(ui.grid, play);

// ---- local participant and controls ---------------------------------------------------

function setToggle(button: HTMLButtonElement, pressed: boolean, label: string): void {
  button.setAttribute('aria-pressed', String(pressed));
  button.textContent = label;
}

function wireControls(room: Room): void {
  const local = room.localParticipant;
  body.dataset.mic = 'on';
  body.dataset.camera = 'on';

  ui.mute.addEventListener('click', () => {
    const mute = ui.mute.getAttribute('aria-pressed') !== 'true';
    local.audioTracks.forEach((publication) => {
      if (mute) publication.track.disable();
      else publication.track.enable();
    });
    body.dataset.mic = mute ? 'off' : 'on';
    setToggle(ui.mute, mute, mute ? 'Unmute mic' : 'Mute mic');
  });

  ui.camera.addEventListener('click', () => {
    const off = ui.camera.getAttribute('aria-pressed') !== 'true';
    local.videoTracks.forEach((publication) => {
      if (off) publication.track.disable();
      else publication.track.enable();
    });
    body.dataset.camera = off ? 'off' : 'on';
    setToggle(ui.camera, off, off ? 'Camera on' : 'Camera off');
  });
}

function attachLocal(room: Room): void {
  room.localParticipant.videoTracks.forEach((publication) => {
    publication.track.attach(ui.localVideo);
  });
  // a track the server accepts only after connect() resolved
  room.localParticipant.on('trackPublished', (publication: LocalTrackPublication) => {
    if (publication.track.kind === 'video') {
      publication.track.attach(ui.localVideo);
      play(ui.localVideo);
    }
  });
  room.localParticipant.on('trackPublicationFailed', (error, track) => {
    console.warn(`[speaker] publishing ${track.kind} track "${track.name}" failed: ${error.code} ${error.message}`);
  });
  ui.localVideo.muted = true;
  play(ui.localVideo);
  ui.localLabel.textContent = `You (${room.localParticipant.identity})`;
}

function detachLocal(room: Room): void {
  room.localParticipant.videoTracks.forEach((publication) => {
    publication.track.detach(ui.localVideo);
  });
}

// ---- main -----------------------------------------------------------------------------

let room: Room | undefined;
let leaving = false;

ui.enableAudio.addEventListener('click', () => {
  ui.enableAudio.hidden = true;
  for (const media of document.querySelectorAll<HTMLMediaElement>('.tile audio, .tile video')) play(media);
});

ui.leave.addEventListener('click', () => {
  leaving = true;
  ui.leave.disabled = true;
  if (!room) {
    // still connecting: main() disconnects as soon as connect() resolves
    setState('disconnected');
    showNotice('info', ['You left the room.', rejoinButton()]);
    return;
  }
  const joined = room;
  joined.disconnect();
  // the SDK emits 'disconnected'; do not depend on it to leave the page consistent
  setTimeout(() => onDisconnected(joined), 0);
});

window.addEventListener('pagehide', () => {
  leaving = true;
  room?.disconnect();
});

let ended = false;

function onDisconnected(joined: Room, error?: { code: number; message: string } | null): void {
  if (ended) return;
  ended = true;
  participants.clear();
  detachLocal(joined);
  if (error) {
    const info = errorInfo(error);
    recordError(info);
    setState('disconnected', `Disconnected (error ${info.code})`);
    showNotice('error', [describe(info), rejoinButton()]);
  } else {
    setState('disconnected');
    if (leaving) showNotice('info', ['You left the room.', rejoinButton()]);
  }
}

function rejoinButton(): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'Rejoin';
  button.addEventListener('click', () => location.reload());
  return button;
}

async function main(): Promise<void> {
  setState('connecting');
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const roomName = params.get('room') || undefined;
  if (roomName) ui.roomName.textContent = `· ${roomName}`;

  if (!token) {
    fail({ code: TOKEN_INVALID_CODE, message: 'This link has no access token (?token=…).' });
    return;
  }
  if (!window.isSecureContext || !navigator.mediaDevices?.getUserMedia) {
    fail({ code: UNKNOWN_ERROR_CODE, name: 'SecurityError', message: MEDIA_ERRORS.SecurityError! });
    return;
  }

  let joined: Room;
  try {
    joined = await connect(token, { name: roomName });
  } catch (err) {
    fail(errorInfo(err));
    return;
  }
  room = joined;
  (globalThis as { onairSpeaker?: unknown }).onairSpeaker = { room: joined };
  if (leaving) {
    // Leave was pressed (or the page hidden) while connecting
    joined.disconnect();
    return;
  }

  body.dataset.roomSid = joined.sid;
  body.dataset.roomName = joined.name;
  body.dataset.participantSid = joined.localParticipant.sid;
  body.dataset.identity = joined.localParticipant.identity;
  ui.roomName.textContent = `· ${joined.name}`;
  document.title = `${joined.name} · onair speaker`;

  attachLocal(joined);
  wireControls(joined);
  joined.participants.forEach((participant) => participants.add(participant));

  joined.on('participantConnected', (participant) => participants.add(participant));
  joined.on('participantDisconnected', (participant) => participants.remove(participant));
  joined.on('trackSubscribed', (track, _publication, participant) => participants.attach(track, participant));
  joined.on('trackUnsubscribed', (track, _publication, participant) => participants.detach(track, participant));
  joined.on('trackEnabled', (_publication, participant) => participants.updateTrackState(participant));
  joined.on('trackDisabled', (_publication, participant) => participants.updateTrackState(participant));
  joined.on('trackPublished', (_publication, participant) => participants.updateTrackState(participant));
  joined.on('trackUnpublished', (_publication, participant) => participants.updateTrackState(participant));
  joined.on('reconnecting', () => setState('reconnecting'));
  joined.on('reconnected', () => setState('connected', `Connected as ${joined.localParticipant.identity}`));
  joined.on('disconnected', (_room, error) => onDisconnected(joined, error));

  setState('connected', `Connected as ${joined.localParticipant.identity}`);
}

main().catch((err: unknown) => fail(errorInfo(err)));
