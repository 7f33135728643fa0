/**
 * The `/embed/player?token=<access token>` page: a full-page player for iframes. Its state is
 * on `<body>`: `data-state` (`idle|ready|buffering|playing|ended|error`) and
 * `data-error-code`. A grant limited to some origins plays only inside a frame (the server's
 * `Content-Security-Policy: frame-ancestors` names who may frame it); opened top level, the
 * page refuses with 20403 before any playback request.
 */
import { PlayerError, PlayerErrorCode } from '../errors.js';
import { isOriginRestricted } from '../grant/check-grant.js';
import { Player, verifyPlayerGrant } from '../player.js';

const body = document.body;
const video = document.getElementById('video') as HTMLVideoElement;
const unmute = document.getElementById('unmute') as HTMLButtonElement;
const message = document.getElementById('message') as HTMLElement;

function showState(state: string): void {
  if (body.dataset['state'] === 'error') return;
  body.dataset['state'] = state;
  message.hidden = state !== 'ended';
  if (state === 'ended') message.textContent = 'The stream has ended.';
}

function showError(error: unknown): void {
  const code = error instanceof PlayerError ? error.code : PlayerErrorCode.MediaError;
  body.dataset['state'] = 'error';
  body.dataset['errorCode'] = String(code);
  message.hidden = false;
  message.textContent = error instanceof Error ? error.message : 'Playback failed';
}

function isTopLevel(): boolean {
  try {
    return window.top === window.self;
  } catch {
    return false; // a cross-origin parent: framed
  }
}

async function main(): Promise<void> {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw PlayerError.grantInvalid('The page needs a ?token= access token with a player grant');
  const grant = await verifyPlayerGrant(token);
  if (isOriginRestricted(grant.claims) && isTopLevel()) {
    throw PlayerError.forbidden('This stream may only be played inside a page of its allowed origins');
  }
  const player = await Player.connect(token, { autoplay: true, video });
  (window as unknown as { onairPlayer: Player }).onairPlayer = player;
  showState(player.state);
  player.on('stateChanged', showState);
  player.on('error', showError);
  player.on('volumeChanged', ({ mutedByAutoplayPolicy }) => (unmute.hidden = !mutedByAutoplayPolicy));
  unmute.addEventListener('click', () => {
    player.setMuted(false);
    void player.play();
  });
}

main().catch(showError);
