import { describe, expect, test } from 'vitest';
import { HOST_POLICY_REFRESH_MS, HostPolicy, isLoopbackBind, normalizeHostname } from './host-policy.js';

describe('normalizeHostname', () => {
  test.each([
    ['example.com', 'example.com'],
    ['Example.COM:8080', 'example.com'],
    ['example.com.', 'example.com'],
    ['0x7f.1', '127.0.0.1'],
    ['2130706433:80', '127.0.0.1'],
    ['[0:0:0:0:0:0:0:1]:8080', '[::1]'],
    ['[::FFFF:7f00:1]', '[::ffff:7f00:1]'],
  ])('%s → %s', (header, hostname) => {
    expect(normalizeHostname(header)).toBe(hostname);
  });

  test.each(['', '::1', 'a b', 'user@host', 'host/path', 'host:port', 'host:123456', '[::1', 'h\u00e9.example', 'host?x', 'host#x'])(
    'not a host: %j',
    (header) => {
      expect(normalizeHostname(header)).toBeUndefined();
    },
  );
});

describe('isLoopbackBind', () => {
  test.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['0.0.0.0', false],
    ['::', false],
    ['10.0.0.1', false],
    ['myhost.example', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackBind(host)).toBe(loopback);
  });
});

describe('HostPolicy', () => {
  test('a specific bind answers loopback, the bound address and the public URL host only', () => {
    const asked: number[] = [];
    const policy = new HostPolicy({
      bindHost: '10.1.2.3',
      publicUrl: 'https://live.example.com',
      interfaceAddresses: () => (asked.push(1), ['10.9.9.9']),
    });
    for (const host of ['10.1.2.3:8080', 'live.example.com', 'localhost:1', '127.0.0.1', '[::1]', undefined]) {
      expect(policy.allows(host), String(host)).toBe(true);
    }
    for (const host of ['10.9.9.9', 'example.com', 'live.example.com.evil', '']) expect(policy.allows(host), host).toBe(false);
    expect(asked).toHaveLength(0); // interfaces matter only for a wildcard bind
  });

  test('a wildcard bind answers the interface addresses, read again (at most once a second) on a miss', () => {
    let now = 0;
    let addresses = ['127.0.0.1', '10.0.0.5', 'fe80::1%eth0', '2001:db8::7'];
    let reads = 0;
    const policy = new HostPolicy({
      bindHost: '0.0.0.0',
      publicUrl: undefined,
      interfaceAddresses: () => (reads++, addresses),
      clock: () => now,
    });
    expect(policy.allows('10.0.0.5:8080')).toBe(true);
    expect(policy.allows('[2001:db8:0::7]')).toBe(true);
    expect(policy.allows('[fe80::1]')).toBe(true);
    expect(reads).toBe(1);
    addresses = [...addresses, '192.168.1.20'];
    expect(policy.allows('192.168.1.20')).toBe(false); // read less than a second ago
    expect(policy.allows('evil.example')).toBe(false);
    expect(reads).toBe(1);
    now += HOST_POLICY_REFRESH_MS;
    expect(policy.allows('192.168.1.20')).toBe(true);
    expect(reads).toBe(2);
  });

  test('the address a named bind resolved to is added once listening', () => {
    const policy = new HostPolicy({ bindHost: 'myhost.example', publicUrl: undefined, interfaceAddresses: () => [] });
    expect(policy.allows('myhost.example')).toBe(true);
    expect(policy.allows('192.0.2.4')).toBe(false);
    policy.addBoundAddress('192.0.2.4');
    expect(policy.allows('192.0.2.4:8080')).toBe(true);
  });
});
