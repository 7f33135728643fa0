/**
 * Applies the HostPolicy: an express middleware for requests, and a guard for HTTP
 * upgrades (WebSockets), which answers a refused upgrade with an HTTP 400 on the raw socket.
 * Both refuse with Twilio error JSON, code 20001.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RequestHandler } from 'express';
import { refuseOnSocket } from '@onair/protocol';
import { ApiError } from '../services/api-error.js';
import type { HostPolicy } from './host-policy.js';

const refusal = () => ApiError.invalidParameter('The Host header does not name this server');

export function hostCheck(policy: HostPolicy): RequestHandler {
  return (req, _res, next) => {
    next(policy.allows(req.headers.host) ? undefined : refusal());
  };
}

/** False (and the socket answered and closed) when the upgrade's Host is refused. */
export function acceptUpgradeHost(policy: HostPolicy, req: IncomingMessage, socket: Duplex): boolean {
  if (policy.allows(req.headers.host)) return true;
  const { status, code, message } = refusal();
  socket.on('error', () => undefined); // the peer may already be gone
  refuseOnSocket(socket, status, code, message);
  return false;
}
