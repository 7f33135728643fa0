/**
 * A random hex id (128 bits). Uses `crypto.getRandomValues`, which — unlike
 * `crypto.randomUUID` — also works on pages served over plain http.
 */
export function randomId(prefix = ''): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return prefix + hex;
}
