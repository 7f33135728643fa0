/** The HTML of /demo/watch: the player element with a viewer token, or an error. */

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `
  :root { color-scheme: dark light; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
  html, body { height: 100%; margin: 0; }
  body { display: grid; grid-template-rows: auto minmax(0, 1fr); background: #0f1115; color: #eef1f6; }
  header { display: flex; gap: 0.75rem; align-items: center; padding: 0.6rem 1rem; background: #181b22; }
  header h1 { font-size: 1rem; margin: 0; }
  header .state { margin-left: auto; font-size: 0.85rem; color: #9aa3b2; }
  main { display: grid; place-items: center; min-height: 0; }
  onair-player { display: block; width: 100%; height: 100%; }
  .error { max-width: 40rem; padding: 1rem; }
`;

export interface WatchPageInput {
  streamerSid: string;
  token: string;
  identity: string;
}

/**
 * The audience page: `<onair-player>` (defined by /sdk/player.js) with the viewer token.
 * `<body data-state>` mirrors the player's state (idle|ready|buffering|playing|ended|error)
 * and `data-error-code` its error code; a player SDK that fails to load is error 20503.
 * Its one inline script is MIRROR_STATE, allowed by its hash in the page's CSP.
 */
export function watchPage({ streamerSid, token, identity }: WatchPageInput): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>onair · watch</title>
  <link rel="icon" href="data:,">
  <style>${STYLE}</style>
</head>
<body data-state="idle" data-streamer-sid="${escapeHtml(streamerSid)}" data-identity="${escapeHtml(identity)}">
  <header><h1>onair · watching ${escapeHtml(streamerSid)}</h1><span class="state" id="state">idle</span></header>
  <main>
    <onair-player token="${escapeHtml(token)}" controls></onair-player>
  </main>
  <script>${MIRROR_STATE}</script>
  <script src="/sdk/player.js"></script>
</body>
</html>
`;
}

/**
 * Copies the player element's state onto <body>, for people (the header) and automation.
 * `<onair-player>` reflects `data-state` / `data-error-code` on itself (packages/player).
 */
export const MIRROR_STATE = `
(() => {
  const body = document.body;
  const label = document.getElementById('state');
  const el = document.querySelector('onair-player');
  const show = (state, code) => {
    if (!state) return;
    body.dataset.state = state;
    if (code) body.dataset.errorCode = String(code);
    label.textContent = code ? state + ' (' + code + ')' : state;
  };
  // the player SDK failed to load (no inline onerror: the CSP allows no inline handlers)
  window.addEventListener('error', (e) => {
    if (e.target instanceof HTMLScriptElement && e.target.src.endsWith('/sdk/player.js')) show('error', 20503);
  }, true);
  const read = () => show(el.dataset.state, el.dataset.state === 'error' ? el.dataset.errorCode : undefined);
  new MutationObserver(read).observe(el, { attributes: true, attributeFilter: ['data-state', 'data-error-code'] });
  read();
})();
`;

export function watchErrorPage(status: number, code: number, message: string): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>onair · watch</title>
  <link rel="icon" href="data:,">
  <style>${STYLE}</style>
</head>
<body data-state="error" data-error-code="${code}">
  <header><h1>onair · watch</h1><span class="state">error (${code})</span></header>
  <main><div class="error"><p><strong>${status}</strong> — ${escapeHtml(message)}</p>
  <p>Start a stream from <a href="/demo/">/demo/</a>, or open <code>/demo/watch?streamer=VJ…</code>.</p></div></main>
</body>
</html>
`;
}
