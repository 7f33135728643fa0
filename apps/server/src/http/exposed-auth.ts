/**
 * Routes that act with the server's own powers without asking the client for any
 * (`/demo/api`, `/demo/watch`) or that describe what runs on it (`/metrics`) are open on
 * loopback only. When the server listens on any other address they require the API
 * credentials, HTTP Basic as on /v1, whoever the client is: a request through a reverse
 * proxy on the same machine comes from loopback too.
 */
import type { RequestHandler } from 'express';
import type { Credentials } from '../config/credentials.js';
import { basicAuth } from './auth.js';

export const GUARDED_WHEN_EXPOSED = ['/demo/api', '/demo/watch', '/metrics'] as const;

export function credentialsWhenExposed(exposed: boolean, credentials: Credentials): RequestHandler {
  if (!exposed) return (_req, _res, next) => next();
  return basicAuth(credentials);
}
