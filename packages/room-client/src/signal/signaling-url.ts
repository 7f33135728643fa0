import { SIGNALING_PATH } from '@onair/protocol';

/**
 * The WebSocket URL of the signaling endpoint for a server URL:
 * `https://host/base` → `wss://host/base/signaling`; ws/wss URLs keep their scheme.
 */
export function signalingUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    throw new TypeError(`serverUrl is not an absolute URL: ${serverUrl}`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`serverUrl must be http(s) or ws(s), got ${url.protocol}`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${SIGNALING_PATH}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}
