import { describe, expect, it } from 'vitest';
import { readServeConfig, SERVE_USAGE } from '../config/serve-config.js';
import { EMPTY_ALLOW_LIST, parseCallbackAllow } from './allow-list.js';

describe('parseCallbackAllow', () => {
  it('reads CIDRs, single addresses and host names', () => {
    expect(parseCallbackAllow(' 127.0.0.0/8 , ::1, [fd00::]/8,10.213.13.2/32, Hooks.Internal., *.corp.example,ünï.example')).toEqual({
      subnets: [
        { network: '127.0.0.0', prefix: 8, family: 'ipv4' },
        { network: '::1', prefix: 128, family: 'ipv6' },
        { network: 'fd00::', prefix: 8, family: 'ipv6' },
        { network: '10.213.13.2', prefix: 32, family: 'ipv4' },
      ],
      hosts: ['hooks.internal', '*.corp.example', 'xn--n-nga1b.example'],
    });
  });

  it('empty entries are ignored; an empty setting allows nothing', () => {
    expect(parseCallbackAllow('')).toEqual(EMPTY_ALLOW_LIST);
    expect(parseCallbackAllow(' , ,')).toEqual(EMPTY_ALLOW_LIST);
    expect(parseCallbackAllow('localhost,')).toEqual({ subnets: [], hosts: ['localhost'] });
  });

  it.each([
    ['10.0.0.0/33', /prefix length outside 0\.\.32/],
    ['::/129', /prefix length outside 0\.\.128/],
    ['10.0.0.0/-1', /prefix length/],
    ['10.0.0.0/', /prefix length/],
    ['300.1.1.1/8', /not a CIDR/],
    ['hooks/8', /not a CIDR/],
    ['999.1.1.1', /neither a CIDR/], // a name ending in a number would be read as IPv4 by URL parsers
    ['10.1', /neither a CIDR/],
    ['http://hooks.example', /not a CIDR/],
    ['hooks.example:8080', /neither a CIDR/],
    ['-bad.example', /neither a CIDR/],
    ['*', /neither a CIDR/],
    ['a..b', /neither a CIDR/],
  ])('%s is refused with a clear message', (entry, message) => {
    expect(() => parseCallbackAllow(entry)).toThrow(message);
  });
});

describe('ONAIR_CALLBACK_ALLOW in onair serve', () => {
  it('is parsed from env and documented in --help', () => {
    const config = readServeConfig([], { ONAIR_CALLBACK_ALLOW: '127.0.0.0/8,hooks.internal' }, '/tmp');
    expect(config?.callbackAllow).toEqual({ subnets: [{ network: '127.0.0.0', prefix: 8, family: 'ipv4' }], hosts: ['hooks.internal'] });
    expect(readServeConfig([], {}, '/tmp')?.callbackAllow).toEqual(EMPTY_ALLOW_LIST);
    expect(SERVE_USAGE).toContain('ONAIR_CALLBACK_ALLOW');
  });

  it('bad input is a ConfigError naming the setting', () => {
    expect(() => readServeConfig([], { ONAIR_CALLBACK_ALLOW: '10.0.0.0/40' }, '/tmp')).toThrow(
      expect.objectContaining({ name: 'ConfigError', message: expect.stringMatching(/^ONAIR_CALLBACK_ALLOW: '10\.0\.0\.0\/40'/) }),
    );
  });
});
