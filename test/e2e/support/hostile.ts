/**
 * Shared pieces of the hostile-input suite (hostile-http / hostile-sockets): fast-check's
 * bounds, the arbitraries for malformed text, and what every answer must be.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import type { RawResult } from './raw-answer.js';
import type { RunningServer } from './server.js';

/** Every property is bounded in count and in time (fast-check stops early, never fails, on the time). */
export const bounded = (numRuns: number, seconds: number) => ({ numRuns, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false });

/**
 * vitest's limit for one property test: its own time limit (at most 60 s) plus the run in
 * flight when that passes (a held LL-HLS request lasts up to three target durations) and
 * the checks after it. Above vitest's 30 s default, which a loaded machine reached.
 */
export const PROPERTY_TIMEOUT_MS = 120_000;

/** Pieces of a URL path: well-formed, malformed escapes (truncated, non-hex, overlong, not UTF-8), dots, separators. */
export const pathPiece = fc.oneof(
  fc.constantFrom('%', '%E0%A4%A', '%E0%A4', '%ZZ', '%G1', '%C0%AF', '%C0%80', '%ED%A0%80', '%FF%FE', '%00', '%2e%2e', '..', '.', '%2F', '%5C', ';', '~', '%25', '%u0041'),
  fc.integer({ min: 0, max: 255 }).map((b) => `%${b.toString(16).padStart(2, '0').toUpperCase()}`),
  fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@-]{1,6}$/),
);
export const garbagePath = fc.array(pathPiece, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));

/** Text of any code points, ASCII text, and the values validators meet at their edges. */
export const anyValue = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', ' ', 'true', 'false', '0', '-1', '1.5', '1e309', 'NaN', 'null', '[]', '{}', '{"rules":[', 'in-progress', 'completed', 'ended', 'disconnected', 'x'.repeat(5000), 'http://127.0.0.1:1/cb', 'javascript:alert(1)'),
  fc.integer().map(String),
);

/** The HTTP requests of one run, with their answers, for the failure message. */
export function describeRequest(method: string, target: string): string {
  return `${method} ${target.length > 200 ? `${target.slice(0, 200)}…` : target}`;
}

export interface AnswerRules {
  /** a held Low-Latency HLS request that could not be served in time may answer 503 (20503) */
  held503?: boolean;
}

/**
 * The server answered (no reset, no silence), with no 5xx, and a refusal is Twilio's error
 * JSON `{code, message, more_info, status}` with the HTTP status in it.
 */
export function expectAnswered(result: RawResult, what: string, method: string, rules: AnswerRules = {}): void {
  expect(result.dropped, `${what}: the socket was dropped`).toBeUndefined();
  const answer = result.answer!;
  const body = answer.body.toString('utf8').slice(0, 300);
  if (answer.status === 503 && rules.held503) {
    if (method !== 'HEAD') expect(answer.json?.code, `${what}: ${body}`).toBe(20503);
    return;
  }
  expect(answer.status, `${what}: ${body}`).toBeLessThan(500);
  if (answer.status < 400 || method === 'HEAD') return;
  expect(answer.headers['content-type'], `${what}: ${body}`).toMatch(/^application\/json/);
  expect(answer.json, `${what}: ${body}`).toMatchObject({ code: expect.any(Number), message: expect.any(String), more_info: expect.any(String) });
  expect(answer.json.status, `${what}: ${body}`).toBe(answer.status);
}

/** `/healthz` is 200 and the process is the one that started (no restart hides a crash). */
export async function expectHealthy(server: RunningServer): Promise<void> {
  expect(server.proc.exitCode, server.stderr()).toBeNull();
  const res = await fetch(`${server.url}/healthz`);
  expect(res.status).toBe(200);
}

/** Nothing reached the last-resort handlers: every input was handled where it arrived. */
export function expectNoLastResort(server: RunningServer): void {
  const logs = server.stdout() + server.stderr();
  expect(logs).not.toMatch(/uncaught exception|unhandled promise rejection|unhandled error/);
}

export const basicAuth = (server: RunningServer) =>
  `Basic ${Buffer.from(`${server.creds.apiKeySid}:${server.creds.apiSecret}`).toString('base64')}`;
