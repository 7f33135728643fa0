import { describe, expect, test } from 'vitest';
import { chooseSandbox, NOBODY, sandboxedCommand, userNamespacesMissing, type SandboxHost } from './chromium-sandbox.js';
import { MediaProcessorError } from './errors.js';

const host = (over: Partial<SandboxHost> = {}): SandboxHost => ({
  uid: 1000,
  userNamespacesMissing: undefined,
  setpriv: '/usr/bin/setpriv',
  ...over,
});

describe('chooseSandbox', () => {
  test.each([
    ['not root: Chromium sandboxes itself', true, host(), { mode: 'namespaces' }],
    ['root: Chromium runs as nobody, then sandboxes itself', true, host({ uid: 0 }), { mode: 'as-user', user: NOBODY, setpriv: '/usr/bin/setpriv' }],
    ['turned off by the operator, whatever the host', false, host({ uid: 0, userNamespacesMissing: 'no' }), { mode: 'off' }],
  ] as const)('%s', (_, sandbox, h, expected) => {
    expect(chooseSandbox(sandbox, h)).toEqual(expected);
  });

  test.each([
    ['no user namespaces', host({ userNamespacesMissing: 'user namespaces are turned off' }), /user namespaces are turned off.*ONAIR_CHROMIUM_NO_SANDBOX=1/],
    ['root without setpriv', host({ uid: 0, setpriv: undefined }), /setpriv/],
  ])('never falls back to --no-sandbox: %s', (_, h, reason) => {
    const s = chooseSandbox(true, h);
    expect(s.mode).toBe('unavailable');
    expect(s.mode === 'unavailable' && s.reason).toMatch(reason);
  });
});

describe('userNamespacesMissing', () => {
  const sysctls = (values: Record<string, number>) => (path: string) => values[path];
  test.each([
    [{ '/proc/sys/user/max_user_namespaces': 96367 }, undefined],
    [{ '/proc/sys/user/max_user_namespaces': 96367, '/proc/sys/kernel/unprivileged_userns_clone': 1 }, undefined],
    [{ '/proc/sys/user/max_user_namespaces': 0 }, /max_user_namespaces = 0/],
    [{ '/proc/sys/user/max_user_namespaces': 100, '/proc/sys/kernel/unprivileged_userns_clone': 0 }, /unprivileged_userns_clone = 0/],
    [{}, /no user namespaces/],
  ])('%j', (values, expected) => {
    const missing = userNamespacesMissing(sysctls(values));
    if (expected === undefined) expect(missing).toBeUndefined();
    else expect(missing).toMatch(expected);
  });
});

describe('sandboxedCommand', () => {
  const args = ['--headless=new', '--user-data-dir=/tmp/p'];
  // every mode starts Chromium so that it dies with the process that launched it (parent-death.ts)
  const dying = (cmd: { executablePath: string; args: string[] }) =>
    cmd.executablePath.endsWith('setpriv') ? cmd.args.slice(cmd.args.indexOf('--') + 1) : [cmd.executablePath, ...cmd.args];
  test('namespaces: Chromium as is, no --no-sandbox, through setpriv --pdeathsig when there is one', () => {
    const cmd = sandboxedCommand({ mode: 'namespaces' }, '/usr/bin/chromium', args);
    expect(dying(cmd)).toEqual(['/usr/bin/chromium', ...args]);
    if (cmd.executablePath.endsWith('setpriv')) expect(cmd.args.slice(0, 3)).toEqual(['--pdeathsig', 'KILL', '--']);
  });
  test('as-user: setpriv drops to the user (no groups, no new privileges), then execs Chromium', () => {
    const cmd = sandboxedCommand({ mode: 'as-user', user: NOBODY, setpriv: '/usr/bin/setpriv' }, '/usr/bin/chromium', args);
    expect(cmd).toEqual({
      executablePath: '/usr/bin/setpriv',
      args: ['--reuid=65534', '--regid=65534', '--clear-groups', '--no-new-privs', '--pdeathsig', 'KILL', '--', '/usr/bin/chromium', ...args],
    });
    expect(cmd.args).not.toContain('--no-sandbox');
  });
  test('off: --no-sandbox', () => {
    expect(dying(sandboxedCommand({ mode: 'off' }, '/usr/bin/chromium', args))).toEqual(['/usr/bin/chromium', '--no-sandbox', ...args]);
  });
  test('unavailable: refused with ERR_SANDBOX_UNAVAILABLE', () => {
    expect(() => sandboxedCommand({ mode: 'unavailable', reason: 'because' }, '/usr/bin/chromium', args)).toThrow(
      expect.objectContaining({ code: 'ERR_SANDBOX_UNAVAILABLE', message: 'because' }) as MediaProcessorError,
    );
  });
});
