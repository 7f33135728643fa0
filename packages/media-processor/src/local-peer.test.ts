import { describe, expect, test } from 'vitest';
import { isLocalPeer, isLoopbackAddress } from './local-peer.js';

describe('isLocalPeer', () => {
  test.each([
    [{ remoteAddress: '127.0.0.1', localAddress: '127.0.0.1' }, true],
    [{ remoteAddress: '127.3.2.1', localAddress: '127.0.0.1' }, true],
    [{ remoteAddress: '::1', localAddress: '::1' }, true],
    [{ remoteAddress: '::ffff:127.0.0.1', localAddress: '::ffff:127.0.0.1' }, true],
    // a server bound to one of the host's addresses, reached from the host itself
    [{ remoteAddress: '10.1.2.3', localAddress: '10.1.2.3' }, true],
    [{ remoteAddress: '10.1.2.4', localAddress: '10.1.2.3' }, false],
    [{ remoteAddress: '::ffff:10.1.2.4', localAddress: '::ffff:127.0.0.1' }, false],
    [{ remoteAddress: '192.168.1.9', localAddress: '0.0.0.0' }, false],
    [{ remoteAddress: '128.0.0.1', localAddress: '127.0.0.1' }, false],
    [{ remoteAddress: '::2', localAddress: '::1' }, false],
    [{ remoteAddress: undefined, localAddress: '127.0.0.1' }, false],
  ])('%j → %s', (peer, expected) => {
    expect(isLocalPeer(peer)).toBe(expected);
  });

  test('loopback is 127.0.0.0/8 and ::1 only', () => {
    expect(isLoopbackAddress('127.255.255.255')).toBe(true);
    expect(isLoopbackAddress('1270.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('fe80::1')).toBe(false);
  });
});
