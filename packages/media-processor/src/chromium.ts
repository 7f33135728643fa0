/**
 * One headless Chromium for one composer page, launched through puppeteer-core over a pipe
 * (no remote-debugging port to reach) with its own temporary profile. Chromium runs in its
 * own process group, so `kill()` takes its renderers and helpers with it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { MediaProcessorError } from './errors.js';

/** Flags measured to work headless as root (FACTS.md); WebRTC may use loopback and plain host IPs. */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
];

export interface ChromiumOptions {
  executablePath: string;
  /** names the temporary profile (`onair-composer-<label>-…`), so the processes are recognisable */
  label: string;
  launchTimeoutMs: number;
  width: number;
  height: number;
  /** called with the page's console errors and crashes (never its URL: it holds secrets) */
  onPageLog: (level: 'error' | 'warn' | 'info', text: string) => void;
}

export class Chromium {
  private constructor(
    private readonly browser: Browser,
    readonly page: Page,
    private readonly profileDir: string,
  ) {}

  static async launch(opts: ChromiumOptions): Promise<Chromium> {
    const profileDir = await mkdtemp(join(tmpdir(), `onair-composer-${opts.label.replace(/[^\w-]/g, '')}-`));
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: opts.executablePath,
        headless: true,
        pipe: true,
        args: [...CHROMIUM_ARGS, `--user-data-dir=${profileDir}`, `--window-size=${opts.width},${opts.height}`],
        timeout: opts.launchTimeoutMs,
        protocolTimeout: 30_000,
        defaultViewport: { width: opts.width, height: opts.height },
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (err) {
      await rm(profileDir, { recursive: true, force: true });
      throw new MediaProcessorError('ERR_BROWSER_LAUNCH', `Chromium did not start: ${(err as Error).message}`, { cause: err });
    }
    const chromium = new Chromium(browser, await firstPage(browser), profileDir);
    chromium.page.on('console', (msg) => {
      const type = msg.type();
      if (type === 'error' || type === 'warn') opts.onPageLog(type === 'error' ? 'error' : 'warn', msg.text());
    });
    chromium.page.on('pageerror', (err) => opts.onPageLog('error', `page error: ${String((err as Error)?.message ?? err)}`));
    chromium.page.on('error', (err) => opts.onPageLog('error', `page crashed: ${err.message}`));
    return chromium;
  }

  get pid(): number | undefined {
    return this.browser.process()?.pid;
  }

  /** Resolves when the browser process exits (or the connection to it is lost). */
  onExit(listener: () => void): void {
    this.browser.once('disconnected', listener);
  }

  /** Kills the whole process group now and removes the profile. Idempotent. */
  async kill(): Promise<void> {
    const proc = this.browser.process();
    if (proc?.pid && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      killGroup(proc.pid);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
    } else if (proc?.pid) {
      killGroup(proc.pid); // the leader is gone; make sure its helpers are too
    }
    await rm(this.profileDir, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 }).catch(() => undefined);
  }
}

async function firstPage(browser: Browser): Promise<Page> {
  // the initial window stays in front, so its rAF and MediaRecorder keep running
  const [page] = await browser.pages();
  return page ?? browser.newPage();
}

/** SIGKILL a process group (Chromium is launched detached, as its group's leader). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
