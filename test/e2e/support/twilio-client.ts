/** The official twilio@5.0.1 library, pointed at an onair server by rewriting the host. */
import twilio from 'twilio';
import type { RunningServer } from './server.js';

export function twilioClient(server: Pick<RunningServer, 'url' | 'creds'>, as: 'key' | 'account' = 'key') {
  const base = new URL(server.url);
  class OnairRequestClient extends twilio.RequestClient {
    override request<TData>(opts: Parameters<twilio.RequestClient['request']>[0]) {
      const uri = new URL(opts.uri);
      uri.protocol = base.protocol;
      uri.host = base.host;
      return super.request<TData>({ ...opts, uri: uri.toString() });
    }
  }
  const [user, pass] =
    as === 'key' ? [server.creds.apiKeySid, server.creds.apiSecret] : [server.creds.accountSid, server.creds.authToken];
  return twilio(user, pass, { accountSid: server.creds.accountSid, httpClient: new OnairRequestClient() });
}

export { twilio };
