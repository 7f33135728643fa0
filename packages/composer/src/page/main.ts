/**
 * Entry point of the video-composer-v1 page (`/composer/#<encodeURIComponent(ComposerConfig JSON)>`),
 * bundled into dist/page/composer.js. Reads and validates the config, removes it from the
 * address (it holds a token and a secret), picks the recording format and starts composing.
 * Failures end on `<body data-state="error" data-error-code data-error-name>`.
 *
 * Opened without a fragment (a standby page, preloaded before its job exists), it waits with
 * `<body data-standby="waiting">` until the fragment is set, then starts as above.
 */
import { parseComposerConfig } from '../config.js';
import { chooseRecorderFormat } from '../recorder-format.js';
import { Composer } from './composer.js';
import { logError, PageState } from './page-state.js';

function element<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`composer.html lacks #${id}`);
  return found;
}

const state = new PageState(document.body);
window.addEventListener('error', (event) => logError('uncaught error', event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => logError('unhandled rejection', event.reason));

/** Starts composing with the config in `hash`; a bad config ends on data-state=error. */
function run(hash: string): void {
  try {
    history.replaceState(null, '', location.pathname + location.search);
    const config = parseComposerConfig(hash, { isColor: (value) => CSS.supports('color', value) });
    const format = chooseRecorderFormat(config.videoCodec, (mimeType) => MediaRecorder.isTypeSupported(mimeType));
    const canvas = element('stage', HTMLCanvasElement);
    const mediaHolder = element('media', HTMLDivElement);
    document.body.style.backgroundColor = config.backgroundColor;
    delete document.body.dataset.standby;
    new Composer(config, format, state, { canvas, mediaHolder }).start();
  } catch (error) {
    state.fail(error);
  }
}

if (location.hash.length > 1) run(location.hash);
else {
  // a standby page (preloaded before its job exists): it does nothing until the job sets the
  // fragment, which is a same-document navigation (hashchange), then starts at once
  document.body.dataset.standby = 'waiting';
  const onHash = () => {
    if (location.hash.length <= 1) return;
    window.removeEventListener('hashchange', onHash);
    run(location.hash);
  };
  window.addEventListener('hashchange', onHash);
}
