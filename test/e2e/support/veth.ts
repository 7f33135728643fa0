/**
 * Addresses of the test's own hosts: a veth pair whose two ends both live in the test's
 * private network namespace (`npm test` runs as root inside `unshare -n`). This kernel has no
 * `dummy` interfaces and no netem (FACTS.md), but a veth pair works: traffic between its two
 * addresses stays inside the namespace. Nothing is ever routed outside it.
 *
 * Each test file takes its own `subnet` (10.213.<subnet>.0/24) so files running in parallel
 * in one namespace do not collide. Outside a private namespace (or without root) there is
 * nothing safe to create: `vethAvailability()` says why, and under CI that is a failure.
 */
import { execFileSync } from 'node:child_process';

export interface VethPair {
  /** name of the end carrying `a` */
  readonly ifA: string;
  readonly ifB: string;
  /** 10.213.<subnet>.1 */
  readonly a: string;
  /** 10.213.<subnet>.2 */
  readonly b: string;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Undefined when a pair can be made here; otherwise the reason it cannot. */
export function vethAvailability(): string | undefined {
  if (process.platform !== 'linux') return 'veth pairs need Linux';
  if (process.getuid?.() !== 0) return 'veth pairs need root (npm test as root runs the tests in a private network namespace)';
  let links: string;
  try {
    links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  } catch {
    return 'the ip command is missing (apt-get install iproute2)';
  }
  // never add interfaces to the machine's own namespace: only to one the test run created,
  // which has loopback and the pairs tests made (oa<n>a/oa<n>b) and nothing else
  const names = links.split('\n').map((l) => /^\d+:\s*([^:@\s]+)/.exec(l)?.[1]).filter((n): n is string => !!n);
  const foreign = names.filter((n) => n !== 'lo' && !/^oa\d+[ab]$/.test(n));
  if (foreign.length > 0) return `not in a private network namespace (found ${foreign.join(', ')}; run the tests through \`npm test\`)`;
  return undefined;
}

/** True when the suite must run its veth tests (CI), so an unavailable pair fails instead of skipping. */
export const vethRequired = () => process.env.CI === 'true' || process.env.CI === '1';

export function createVethPair(subnet: number): VethPair {
  if (!Number.isInteger(subnet) || subnet < 1 || subnet > 254) throw new Error(`subnet must be 1..254 (got ${subnet})`);
  const why = vethAvailability();
  if (why) throw new Error(why);
  const ifA = `oa${subnet}a`;
  const ifB = `oa${subnet}b`;
  const a = `10.213.${subnet}.1`;
  const b = `10.213.${subnet}.2`;
  try {
    ip('link', 'del', ifA);
  } catch {
    // not left over from an earlier run
  }
  ip('link', 'add', ifA, 'type', 'veth', 'peer', 'name', ifB);
  ip('addr', 'add', `${a}/24`, 'dev', ifA);
  ip('addr', 'add', `${b}/24`, 'dev', ifB);
  ip('link', 'set', ifA, 'up');
  ip('link', 'set', ifB, 'up');
  return {
    ifA,
    ifB,
    a,
    b,
    remove() {
      try {
        ip('link', 'del', ifA); // takes its peer with it
      } catch {
        // already gone
      }
    },
  };
}
