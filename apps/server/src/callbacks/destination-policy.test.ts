import { describe, expect, it } from 'vitest';
import { EMPTY_ALLOW_LIST, parseCallbackAllow } from './allow-list.js';
import { DestinationPolicy, type RefusalReason } from './destination-policy.js';

const closed = new DestinationPolicy(EMPTY_ALLOW_LIST);

describe('DestinationPolicy: refused by default', () => {
  it.each<[string, RefusalReason]>([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['10.213.13.2', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['64:ff9b:1::a00:1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'reserved'],
    ['0.1.2.3', 'reserved'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['::', 'reserved'],
    ['::7f00:1', 'reserved'], // IPv4-compatible (deprecated)
    ['100::1', 'reserved'], // discard-only
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'reserved'], // Teredo
    ['not-an-address', 'reserved'],
    // IPv4 ranges written as IPv6
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['64:ff9b::7f00:1', 'loopback'], // NAT64
    ['64:ff9b::169.254.169.254', 'link-local'],
    ['64:ff9b::c0a8:101', 'private'],
    ['2002:7f00:1::1', 'loopback'], // 6to4
    ['2002:a9fe:a9fe::', 'link-local'],
    ['2002:c0a8:101::1', 'private'],
    ['[::1]', 'loopback'],
  ])('%s is %s', (address, reason) => {
    expect(closed.refusal(address)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '100.63.255.255', // just below CGNAT
    '100.128.0.0', // just above
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808', // NAT64 of a public address (DNS64)
    '2002:808:808::1', // 6to4 of a public address
  ])('%s (public) may be reached', (address) => {
    expect(closed.refusal(address)).toBeUndefined();
  });
});

describe('DestinationPolicy: ONAIR_CALLBACK_ALLOW opens chosen ones', () => {
  const policy = new DestinationPolicy(parseCallbackAllow('127.0.0.0/8, 10.213.13.2, fd00::/8, hooks.internal, *.corp.example'));

  it.each(['127.0.0.1', '127.9.9.9', '::ffff:127.0.0.1', '10.213.13.2', 'fd00::5'])('%s is allowed', (address) => {
    expect(policy.refusal(address)).toBeUndefined();
  });

  it.each<[string, RefusalReason]>([
    ['10.213.13.3', 'private'],
    ['::1', 'loopback'], // 127.0.0.0/8 says nothing about IPv6 loopback
    ['169.254.169.254', 'link-local'],
    ['fc00::1', 'private'],
  ])('%s stays refused (%s)', (address, reason) => {
    expect(policy.refusal(address)).toBe(reason);
  });

  it('host names: exact (case and trailing dot aside) and *.suffix', () => {
    expect(policy.allowsHostName('hooks.internal')).toBe(true);
    expect(policy.allowsHostName('HOOKS.internal.')).toBe(true);
    expect(policy.allowsHostName('a.hooks.internal')).toBe(false);
    expect(policy.allowsHostName('api.corp.example')).toBe(true);
    expect(policy.allowsHostName('a.b.corp.example')).toBe(true);
    expect(policy.allowsHostName('corp.example')).toBe(false);
    expect(policy.allowsHostName('evilcorp.example')).toBe(false);
    expect(policy.allowsHostName('localhost')).toBe(false);
    expect(closed.allowsHostName('hooks.internal')).toBe(false);
  });

  it('0.0.0.0/0 and ::/0 open everything (the operator switching the guard off)', () => {
    const open = new DestinationPolicy(parseCallbackAllow('0.0.0.0/0,::/0'));
    for (const a of ['127.0.0.1', '169.254.169.254', '::1', 'fe80::1', '224.0.0.1']) expect(open.refusal(a)).toBeUndefined();
  });
});
