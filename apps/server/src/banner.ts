/** The human-readable start banner: URLs and, unless they came from env, the credentials. */
import type { AddressInfo } from 'node:net';
import type { ResolvedCredentials } from './config/credentials.js';
import type { ServeConfig } from './config/serve-config.js';

/** Where this process can be reached locally (the bound address; wildcard → localhost). */
export function localUrl(config: Pick<ServeConfig, 'host'>, address: AddressInfo): string {
  const wildcard = ['0.0.0.0', '::', ''].includes(config.host);
  const host = wildcard ? 'localhost' : config.host.includes(':') ? `[${config.host}]` : config.host;
  return `http://${host}:${address.port}`;
}

export function printBanner(
  out: NodeJS.WritableStream,
  { config, address, creds }: { config: ServeConfig; address: AddressInfo; creds: ResolvedCredentials },
): void {
  const local = localUrl(config, address);
  const url = config.publicUrl ?? local;
  const c = creds.credentials;
  const lines = [
    '',
    `onair is running at ${local}`,
    ...(config.publicUrl ? [`  Public URL ${config.publicUrl}`] : []),
    `  REST API   ${url}/v1   (HTTP Basic: API key SID + secret, or Account SID + auth token)`,
    `  Health     ${url}/healthz`,
    `  JWKS       ${url}/.well-known/jwks.json`,
    `  Data dir   ${config.dataDir}`,
    '',
  ];
  if (creds.source === 'config') {
    lines.push(`Credentials come from the environment (Account SID ${c.accountSid}, API key ${c.apiKeySid}).`);
  } else {
    lines.push(
      creds.source === 'generated'
        ? `Generated credentials, saved to ${creds.file} (mode 0600):`
        : `Credentials from ${creds.file}:`,
      `  ONAIR_ACCOUNT_SID=${c.accountSid}`,
      `  ONAIR_AUTH_TOKEN=${c.authToken}`,
      `  ONAIR_API_KEY=${c.apiKeySid}`,
      `  ONAIR_API_SECRET=${c.apiSecret}`,
    );
  }
  lines.push('', `Try: curl -u ${c.apiKeySid}:<secret> ${url}/v1/Rooms`, '');
  out.write(lines.join('\n') + '\n');
}
