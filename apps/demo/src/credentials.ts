/**
 * The API credentials the demo page sends when the server is exposed (bound to an address
 * other than loopback, /demo/api answers 401 without them). Asked for once, in a small form,
 * and kept in this tab's sessionStorage (gone when the tab closes), sent as HTTP Basic.
 *
 *   <body data-auth>   required (the form is shown) | absent
 *   #credentials-form, #credentials-user, #credentials-pass, #credentials-message
 */
import { byId } from './dom.js';

const STORAGE_KEY = 'onair.demo.authorization';

const el = <T extends HTMLElement>(id: string): T => byId<T>(id, 'index.html');

/** The Authorization header value to send, when credentials were given in this tab. */
export function authorization(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined; // storage disabled: the form is asked again after a reload
  }
}

function basic(user: string, pass: string): string {
  const bytes = new TextEncoder().encode(`${user}:${pass}`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/**
 * Wires the form: `onRefused` shows it (saying so when stored credentials were refused),
 * a submit stores the credentials, hides it and calls `onGiven`.
 */
export function credentialsForm(onGiven: () => void): { onRefused(): void } {
  const form = el<HTMLFormElement>('credentials-form');
  const user = el<HTMLInputElement>('credentials-user');
  const pass = el<HTMLInputElement>('credentials-pass');
  const message = el<HTMLParagraphElement>('credentials-message');

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      sessionStorage.setItem(STORAGE_KEY, basic(user.value.trim(), pass.value));
    } catch {
      message.textContent = 'This browser does not keep the credentials (sessionStorage is disabled).';
      return;
    }
    pass.value = '';
    form.hidden = true;
    delete document.body.dataset['auth'];
    onGiven();
  });

  return {
    onRefused() {
      const hadCredentials = authorization() !== undefined;
      if (!hadCredentials && !form.hidden) return; // already asking
      try {
        sessionStorage.removeItem(STORAGE_KEY);
      } catch {
        // nothing stored
      }
      message.textContent = hadCredentials
        ? 'Those credentials were refused. Enter the API key SID and secret (or the Account SID and auth token).'
        : 'This server is reachable from other machines, so the demo asks for its API credentials: the API key SID and secret (or the Account SID and auth token) from the server\u2019s start banner or its credentials.json.';
      document.body.dataset['auth'] = 'required';
      form.hidden = false;
      user.focus();
    },
  };
}
