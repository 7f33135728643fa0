/**
 * Status callbacks reach the public internet only (issue 14): a StatusCallback to a private
 * address of a test host of our own (a veth pair in the test's network namespace, subnet 13)
 * is never connected to, nor one to `localhost`, while the REST resource works normally;
 * with ONAIR_CALLBACK_ALLOW covering the address, the callback arrives and validates with
 * the official `twilio.validateRequest`.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { callbackReceiver } from './support/callback-receiver.js';
import { api, eventually, startServer, type RunningServer } from './support/server.js';
import { twilio } from './support/twilio-client.js';
import { createVethPair, vethAvailability, vethRequired, type VethPair } from './support/veth.js';

const SUBNET = 13;
const unavailable = vethRequired() ? undefined : vethAvailability();
const suite = unavailable ? describe.skip : describe;
if (unavailable) console.warn(`callback-destinations: skipped, no veth pair here: ${unavailable}`);

type Receiver = Awaited<ReturnType<typeof callbackReceiver>>;

/** The value of one labelled sample of /metrics (0 when absent). */
async function metric(server: RunningServer, name: string, reason: string): Promise<number> {
  const res = await api(server, 'GET', '/metrics');
  expect(res.status).toBe(200);
  const line = res.text.split('\n').find((l) => l.startsWith(`${name}{reason="${reason}"} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

suite(`status callbacks to a private test host (10.213.${SUBNET}.2)`, () => {
  let pair: VethPair;
  let privateHost: Receiver;
  let loopback: Receiver;

  beforeAll(async () => {
    pair = createVethPair(SUBNET);
    privateHost = await callbackReceiver(pair.b);
    loopback = await callbackReceiver('127.0.0.1');
  });
  afterAll(async () => {
    await privateHost?.close();
    await loopback?.close();
    pair?.remove();
  });

  test('by default they are never connected to, and the REST resources work normally', async () => {
    // '' is the default: nothing besides public addresses (the test support otherwise opens loopback)
    const server = await startServer({ env: { ONAIR_CALLBACK_ALLOW: '' } });
    try {
      expect(privateHost.url).toBe(`http://10.213.${SUBNET}.2:${privateHost.port}/hooks`);
      const created = await api(server, 'POST', '/v1/Rooms', { UniqueName: 'ssrf-private', StatusCallback: privateHost.url });
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({ status: 'in-progress', status_callback: privateHost.url });
      const ended = await api(server, 'POST', `/v1/Rooms/${created.json.sid}`, { Status: 'completed' });
      expect(ended.status).toBe(200);
      expect(ended.json.status).toBe('completed');
      // room-created and room-ended, both refused as private
      await eventually(async () => (await metric(server, 'onair_callbacks_refused_total', 'private')) === 2);

      // a host name: localhost resolves to loopback
      const byName = loopback.url.replace('127.0.0.1', 'localhost');
      const local = await api(server, 'POST', '/v1/Rooms', { UniqueName: 'ssrf-localhost', StatusCallback: byName });
      expect(local.status).toBe(201);
      expect((await api(server, 'GET', `/v1/Rooms/${local.json.sid}`)).json.status_callback).toBe(byName);
      await eventually(async () => (await metric(server, 'onair_callbacks_refused_total', 'loopback')) === 1);

      // a moment for anything late, then: not one TCP connection reached either listener
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(privateHost.connections()).toBe(0);
      expect(loopback.connections()).toBe(0);
      expect(privateHost.received).toHaveLength(0);
      // not retried: still the same counts
      expect(await metric(server, 'onair_callbacks_refused_total', 'private')).toBe(2);
      expect((await api(server, 'GET', '/healthz')).status).toBe(200);

      // the refusal is logged with the range and the address, without secrets
      const refusals = server
        .stdout()
        .split('\n')
        .filter((l) => l.includes('status callback refused'));
      expect(refusals.length).toBe(3);
      expect(refusals[0]).toContain(`"address":"10.213.${SUBNET}.2"`);
      expect(refusals[0]).toContain('"reason":"private"');
      for (const line of refusals) {
        expect(line).not.toContain(server.creds.authToken);
        expect(line).not.toContain(server.creds.apiSecret);
      }
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  test('with ONAIR_CALLBACK_ALLOW covering the address, the callback arrives and validates', async () => {
    const server = await startServer({ env: { ONAIR_CALLBACK_ALLOW: `10.213.${SUBNET}.0/24` } });
    try {
      const created = await api(server, 'POST', '/v1/Rooms', { UniqueName: 'allowed', StatusCallback: privateHost.url });
      expect(created.status).toBe(201);
      const cb = await eventually(async () => privateHost.received.find((c) => c.params.RoomSid === created.json.sid));
      expect(cb.params).toMatchObject({ StatusCallbackEvent: 'room-created', RoomName: 'allowed', AccountSid: server.creds.accountSid });
      expect(cb.url).toBe(privateHost.url);
      expect(twilio.validateRequest(server.creds.authToken, cb.signature!, cb.url, cb.params)).toBe(true);
      expect(twilio.validateRequest(server.creds.authToken, cb.signature!, cb.url, { ...cb.params, RoomName: 'forged' })).toBe(false);
      expect(privateHost.connections()).toBeGreaterThanOrEqual(1);

      // the allow list opens what it names, nothing more: loopback stays refused
      const local = await api(server, 'POST', '/v1/Rooms', { UniqueName: 'still-refused', StatusCallback: loopback.url });
      expect(local.status).toBe(201);
      await eventually(async () => (await metric(server, 'onair_callbacks_refused_total', 'loopback')) === 1);
      expect(loopback.connections()).toBe(0);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
